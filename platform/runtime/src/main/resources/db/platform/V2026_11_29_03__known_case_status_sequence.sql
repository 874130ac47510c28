-- The case's sequence number (ce_sequence) of the event that gave a known case its status: a status event older
-- than it (one delivered again with a new id, a replay) no longer changes the status, and a command can tell which
-- of the case's status changes it saw. Cases known before this column: NULL, older than any event.
ALTER TABLE known_case ADD COLUMN status_seq BIGINT;
