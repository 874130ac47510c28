-- When a known case was opened or last reopened (the time of its CaseOpened or reopening event): consent recorded as
-- given before it is refused. Cases known before this column: NULL, no bound.
ALTER TABLE known_case ADD COLUMN open_since TIMESTAMP WITH TIME ZONE;
