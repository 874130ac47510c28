-- an escalation manager lists the cases it is the intermediary on (CaseReadAccess): found by manager
CREATE INDEX ix_case_escalation_manager ON case_escalation (manager_id, active);
