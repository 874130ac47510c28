-- The escalations of each case and their managers, as org-admin-service follows them on casetrail.escalation.v1:
-- while an escalation manager is assigned to an active escalation of a case, that manager, not support working the
-- case, is the customer's intermediary, and records the customer's verbal consent (case-service keeps its own).
CREATE TABLE case_escalation_manager (
    escalation_id VARCHAR(64)  NOT NULL,
    case_number   VARCHAR(16)  NOT NULL,
    active        BOOLEAN      NOT NULL,
    manager_id    VARCHAR(255),
    manager_since TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (escalation_id)
);
CREATE INDEX ix_case_escalation_manager_case ON case_escalation_manager (case_number, active);
