-- An entry's uuid is its event's id, which consumers take up to 255 characters long (CloudEvent.MAX_ID); at 64, an
-- event of a longer id would have stopped the System Log at that record for good. SET DATA TYPE: PostgreSQL and H2.
ALTER TABLE system_log_event ALTER COLUMN uuid SET DATA TYPE VARCHAR(255);
