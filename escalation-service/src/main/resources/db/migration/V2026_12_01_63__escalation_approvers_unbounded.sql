-- The approvers of a step and of the chain, as many as a chain's N(role) steps ask for, each id up to 255
-- characters: a bound length could refuse an approval's row and stop the view (eight 255-character ids passed 2,000).
-- Ids are now listed with ',' and '\' escaped (EscalationQueries.listed): the lists written before have their
-- backslashes escaped here (an id holding a comma was read as two before, and stays so until a rebuild of the view).
-- SET DATA TYPE: PostgreSQL and H2; '\' is one backslash in both (standard strings).
ALTER TABLE escalation_view ALTER COLUMN step_approvers SET DATA TYPE VARCHAR;
ALTER TABLE escalation_view ALTER COLUMN approvers SET DATA TYPE VARCHAR;
UPDATE escalation_view SET step_approvers = REPLACE(step_approvers, '\', '\\'),
                           approvers = REPLACE(approvers, '\', '\\');
