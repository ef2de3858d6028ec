-- Live shopping (docs/decisions.md 170-175): sales (idempotent per stream and order id), likes, click-through on
-- featured items, the featured history, and viewer milestones sent once per stream.
CREATE TABLE sales (
    id           VARCHAR(36)    PRIMARY KEY,
    stream_id    VARCHAR(36)    NOT NULL REFERENCES streams (id),
    order_id     VARCHAR(128)   NOT NULL,
    featured_id  VARCHAR(36),
    product_id   VARCHAR(128),
    buyer_id     VARCHAR(128),
    quantity     INT            NOT NULL,
    amount       DECIMAL(14, 2) NOT NULL,
    currency     VARCHAR(3)     NOT NULL,
    recorded_by  VARCHAR(128)   NOT NULL,
    created_at   BIGINT         NOT NULL,
    UNIQUE (stream_id, order_id)
);

CREATE TABLE stream_likes (
    stream_id   VARCHAR(36)  NOT NULL REFERENCES streams (id),
    user_id     VARCHAR(128) NOT NULL,
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (stream_id, user_id)
);

CREATE TABLE featured_clicks (
    id           VARCHAR(36)  PRIMARY KEY,
    stream_id    VARCHAR(36)  NOT NULL REFERENCES streams (id),
    featured_id  VARCHAR(36)  NOT NULL REFERENCES featured_items (id),
    viewer_key   VARCHAR(160) NOT NULL,
    created_at   BIGINT       NOT NULL
);
CREATE INDEX featured_clicks_stream_idx ON featured_clicks (stream_id, featured_id);

-- DELETE /streams/{id}/featured: the items stay in the history, but none is current any more
ALTER TABLE featured_items ADD COLUMN cleared_at BIGINT;

CREATE TABLE stream_milestones (
    stream_id   VARCHAR(36) NOT NULL REFERENCES streams (id),
    viewers     INT         NOT NULL,
    reached_at  BIGINT      NOT NULL,
    PRIMARY KEY (stream_id, viewers)
);
