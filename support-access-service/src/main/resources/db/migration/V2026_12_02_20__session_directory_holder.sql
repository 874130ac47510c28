-- Who started a session and for which case, beside its org: a stop of a session that has ended is answered 409
-- only to one who may stop it (its engineer, or support working its case); anyone else is refused 403 and learns
-- nothing of it. Null for sessions started before: those are answered 409 as before.
ALTER TABLE session_directory ADD COLUMN engineer_id VARCHAR(255);
ALTER TABLE session_directory ADD COLUMN case_number VARCHAR(16);
