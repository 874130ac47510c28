-- escalation-service: every case's timeline as escalations take it along, and the escalations as listed, boarded
-- and shown. PostgreSQL and H2 (PostgreSQL mode).
CREATE TABLE case_digest (
    event_id    VARCHAR(64)  NOT NULL,
    case_number VARCHAR(16)  NOT NULL,
    seq         BIGINT       NOT NULL,
    at          TIMESTAMP WITH TIME ZONE NOT NULL,
    type        VARCHAR(255) NOT NULL,
    actor       VARCHAR(255),
    text        VARCHAR(500),
    PRIMARY KEY (event_id)
);
CREATE INDEX ix_case_digest_case ON case_digest (case_number, seq);

CREATE TABLE escalation_view (
    escalation_id   VARCHAR(64)   NOT NULL,
    case_number     VARCHAR(16)   NOT NULL,
    org_id          VARCHAR(255)  NOT NULL,
    team            VARCHAR(64),
    request_type    VARCHAR(64)   NOT NULL,
    summary         VARCHAR(2000) NOT NULL,
    status          VARCHAR(32)   NOT NULL,
    raised_by       VARCHAR(255)  NOT NULL,
    raised_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    current_step    INTEGER       NOT NULL,
    step_approvers  VARCHAR(2000) NOT NULL,
    owner           VARCHAR(255),
    manager_id      VARCHAR(255),
    manager_name    VARCHAR(255),
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    chain           TEXT          NOT NULL,
    raised          TEXT          NOT NULL,
    PRIMARY KEY (escalation_id)
);
CREATE INDEX ix_escalation_case ON escalation_view (case_number);
CREATE INDEX ix_escalation_status ON escalation_view (status, updated_at);

CREATE TABLE escalation_entry (
    event_id      VARCHAR(64)  NOT NULL,
    escalation_id VARCHAR(64)  NOT NULL,
    seq           BIGINT       NOT NULL,
    at            TIMESTAMP WITH TIME ZONE NOT NULL,
    kind          VARCHAR(64)  NOT NULL,
    actor_id      VARCHAR(255) NOT NULL,
    actor_name    VARCHAR(255),
    actor_role    VARCHAR(64),
    text          TEXT,
    PRIMARY KEY (event_id)
);
CREATE INDEX ix_escalation_entry ON escalation_entry (escalation_id, seq);
