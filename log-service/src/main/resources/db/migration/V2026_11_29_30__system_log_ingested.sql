-- A polling read that has found nothing yet reads from its since, by recording time: without this index it walked
-- the org's whole history in sequence order on every poll of a quiet org.
CREATE INDEX ix_system_log_org_ingested ON system_log_event (org_id, ingested_ms, seq);
