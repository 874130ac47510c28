-- When each escalation's manager was assigned is kept, in assignment order, by case_escalation_ref (V2026_12_01_60,
-- _61), written by the assignment's own command; the view's copy, which only those migrations read, goes.
ALTER TABLE escalation_view DROP COLUMN manager_since;
