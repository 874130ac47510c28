-- escalation-service: the case digest now holds other services' events on a case too; an escalation takes its
-- latest entries by time (sequence numbers count within one aggregate only).
CREATE INDEX ix_case_digest_case_time ON case_digest (case_number, at, seq);
DROP INDEX IF EXISTS ix_case_digest_case;
