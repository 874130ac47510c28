-- Internal logs: every domain event of every topic and the services' request logs, append-only, in one hash chain
-- (each entry's hash covers its canonical form and the previous entry's hash), with signed checkpoints of the chain
-- head. The database refuses UPDATE and DELETE on both tables (triggers in db/pg and db/h2).
CREATE TABLE internal_log (
    seq          BIGINT        NOT NULL,
    entry_id     VARCHAR(64)   NOT NULL,
    recorded_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    occurred_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    kind         VARCHAR(16)   NOT NULL,
    org_id       VARCHAR(255),
    case_number  VARCHAR(16),
    request_id   VARCHAR(255),
    type         VARCHAR(255)  NOT NULL,
    level        VARCHAR(8)    NOT NULL,
    source       VARCHAR(255)  NOT NULL,
    actor        VARCHAR(255),
    message      TEXT          NOT NULL,
    attributes   TEXT          NOT NULL,
    prev_hash    VARCHAR(64)   NOT NULL,
    hash         VARCHAR(64)   NOT NULL,
    PRIMARY KEY (seq),
    CONSTRAINT uk_internal_log_entry UNIQUE (entry_id)
);
CREATE INDEX ix_internal_log_org_time ON internal_log (org_id, occurred_at, seq);
CREATE INDEX ix_internal_log_request ON internal_log (request_id, seq);
CREATE INDEX ix_internal_log_type ON internal_log (type, occurred_at, seq);

-- the chain head: one row, locked by every append so that entries join the chain one at a time, in order
CREATE TABLE internal_log_head (
    id    INTEGER      NOT NULL,
    seq   BIGINT       NOT NULL,
    hash  VARCHAR(64)  NOT NULL,
    PRIMARY KEY (id)
);
INSERT INTO internal_log_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- signed chain heads: every N entries, and every few minutes when entries came
CREATE TABLE internal_log_checkpoint (
    seq         BIGINT        NOT NULL,
    hash        VARCHAR(64)   NOT NULL,
    signed_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    key_id      VARCHAR(64)   NOT NULL,
    signature   TEXT          NOT NULL,
    PRIMARY KEY (seq)
);
