-- Per-stream bans and timeouts (docs/decisions.md 167-169). expires_at NULL: for the whole stream.
CREATE TABLE stream_bans (
    stream_id   VARCHAR(36)  NOT NULL REFERENCES streams (id),
    user_id     VARCHAR(128) NOT NULL,
    banned_by   VARCHAR(128) NOT NULL,
    reason      VARCHAR(500),
    created_at  BIGINT       NOT NULL,
    expires_at  BIGINT,
    PRIMARY KEY (stream_id, user_id)
);
