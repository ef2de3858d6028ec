-- Webhooks (docs/decisions.md 160-166): endpoints, a transactional outbox of events, one delivery row per
-- (event, endpoint) that the dispatchers of every node lease, and a log of every attempt.
-- Portable between PostgreSQL and H2 (MODE=PostgreSQL); timestamps are epoch milliseconds.

CREATE TABLE webhook_endpoints (
    id                    VARCHAR(40)   PRIMARY KEY,
    url                   VARCHAR(2048) NOT NULL,
    -- JSON array of event type names
    events                VARCHAR(1024) NOT NULL,
    -- whsec_ + base64; kept in clear because every delivery is signed with it (docs/security.md)
    secret                VARCHAR(128)  NOT NULL,
    created_by            VARCHAR(128)  NOT NULL,
    created_at            BIGINT        NOT NULL,
    consecutive_failures  INT           NOT NULL DEFAULT 0,
    failing_since         BIGINT,
    disabled_at           BIGINT,
    disabled_reason       VARCHAR(1000)
);

-- The outbox: written in the same transaction as the change that caused the event.
CREATE TABLE webhook_events (
    id          VARCHAR(40)    PRIMARY KEY,
    type        VARCHAR(40)    NOT NULL,
    -- the exact JSON body every attempt sends (so every attempt signs the same bytes)
    body        VARCHAR(65536) NOT NULL,
    created_at  BIGINT         NOT NULL
);

CREATE TABLE webhook_deliveries (
    id               VARCHAR(36)  PRIMARY KEY,
    event_id         VARCHAR(40)  NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    endpoint_id      VARCHAR(40)  NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- pending, delivered, failed (gave up after relaycast.webhooks.retry.give-up-after)
    status           VARCHAR(16)  NOT NULL,
    attempts         INT          NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT       NOT NULL,
    -- the dispatcher (one per node) that holds this row until lease_until; a crashed node's lease runs out
    lease_owner      VARCHAR(64),
    lease_until      BIGINT,
    created_at       BIGINT       NOT NULL,
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);

CREATE TABLE webhook_attempts (
    id               VARCHAR(36)   PRIMARY KEY,
    delivery_id      VARCHAR(36)   NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    endpoint_id      VARCHAR(40)   NOT NULL,
    event_id         VARCHAR(40)   NOT NULL,
    event_type       VARCHAR(40)   NOT NULL,
    attempt          INT           NOT NULL,
    attempted_at     BIGINT        NOT NULL,
    -- delivered or failed
    outcome          VARCHAR(16)   NOT NULL,
    response_status  INT,
    error            VARCHAR(500),
    duration_ms      BIGINT        NOT NULL,
    node             VARCHAR(64)   NOT NULL
);
CREATE INDEX webhook_attempts_endpoint_idx ON webhook_attempts (endpoint_id, attempted_at);
