-- Each manager assignment's place among the case's (EscalationManagerAssigned.caseAssignment, escalation-service's
-- order of commits): the highest of a case's active escalations is the customer's intermediary. Null for
-- assignments recorded before the field existed, which come before any that has one; among those, manager_since.
ALTER TABLE case_escalation ADD COLUMN case_assignment BIGINT;
