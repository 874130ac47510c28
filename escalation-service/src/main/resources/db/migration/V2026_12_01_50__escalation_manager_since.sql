-- When each escalation's manager was assigned: the latest assigned manager of a case's active escalations is the
-- customer's intermediary, and another escalation manager does not take a second escalation of the case from them.
-- Escalations managed before this migration take their last change's time; rebuild escalation-views for the exact
-- one (operations.md).
ALTER TABLE escalation_view ADD COLUMN manager_since TIMESTAMP WITH TIME ZONE;
UPDATE escalation_view SET manager_since = updated_at WHERE manager_id IS NOT NULL;
