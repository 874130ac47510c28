-- Which escalations each case has: written by the command that raises one, in its transaction, so that it is never
-- behind the events (a projection may be). When a case closes, its escalations that Engineering has not taken yet
-- are withdrawn. Escalations raised before this table existed are taken from the escalation view.
CREATE TABLE case_escalation_ref (
    case_number   VARCHAR(16) NOT NULL,
    escalation_id VARCHAR(64) NOT NULL,
    PRIMARY KEY (case_number, escalation_id)
);
INSERT INTO case_escalation_ref (case_number, escalation_id) SELECT case_number, escalation_id FROM escalation_view;
