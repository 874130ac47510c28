-- Who manages each escalation, as the command that assigns a manager writes it in its transaction: the latest assigned
-- manager of a case's active escalations is the customer's intermediary, and an escalation manager taking another
-- escalation of the case is checked against this table (never behind the commands, as the escalation view may be).
-- manager_seq orders a case's assignments (the latest is the highest). Escalations managed before this migration
-- take their manager, in order, from the view as it stands; escalations the view holds and this table does not are
-- added (as raised before any closure, as they counted).
ALTER TABLE case_escalation_ref ADD COLUMN manager_id VARCHAR(255);
ALTER TABLE case_escalation_ref ADD COLUMN manager_seq BIGINT;
INSERT INTO case_escalation_ref (case_number, escalation_id)
    SELECT v.case_number, v.escalation_id FROM escalation_view v
    WHERE NOT EXISTS (SELECT 1 FROM case_escalation_ref r WHERE r.escalation_id = v.escalation_id);
UPDATE case_escalation_ref SET
    manager_id = (SELECT v.manager_id FROM escalation_view v WHERE v.escalation_id = case_escalation_ref.escalation_id),
    manager_seq = (SELECT COUNT(*) FROM escalation_view v, escalation_view w
        WHERE v.escalation_id = case_escalation_ref.escalation_id AND w.case_number = v.case_number
        AND w.manager_id IS NOT NULL
        AND COALESCE(w.manager_since, w.updated_at) <= COALESCE(v.manager_since, v.updated_at))
    WHERE EXISTS (SELECT 1 FROM escalation_view v WHERE v.escalation_id = case_escalation_ref.escalation_id
        AND v.manager_id IS NOT NULL);
