-- The case's sequence number of the event that opened or last reopened a known case: a support-access grant given
-- on an earlier sequence does not cover the case reopened since (sequences, unlike two services' clocks, agree).
-- Cases known before this column: NULL.
ALTER TABLE known_case ADD COLUMN open_seq BIGINT;
