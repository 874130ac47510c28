-- The status of its case an escalation was raised on, by the case's sequence number of the event that gave it
-- (known_case.status_seq): a case's closure withdraws the escalations raised on what came before it, never one
-- raised after a reopen, even when the closure is recorded late or again. NULL: raised before this column, or on
-- a case known before known_case kept the sequence; a closure takes those for older.
ALTER TABLE case_escalation_ref ADD COLUMN case_status_seq BIGINT;
