-- The escalations of each case, as case-service follows them on casetrail.escalation.v1: whether the case is
-- escalated (one is active: raised, neither rejected nor closed) and who the customer's intermediary is (the
-- escalation manager of an active escalation, else the assignee). Computed when read, never stored on case_view.
CREATE TABLE case_escalation (
    escalation_id VARCHAR(64)  NOT NULL,
    case_number   VARCHAR(16)  NOT NULL,
    active        BOOLEAN      NOT NULL,
    manager_id    VARCHAR(255),
    manager_name  VARCHAR(255),
    manager_since TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (escalation_id)
);
CREATE INDEX ix_case_escalation_case ON case_escalation (case_number, active);

ALTER TABLE case_view DROP COLUMN escalated;
ALTER TABLE case_view DROP COLUMN intermediary;
