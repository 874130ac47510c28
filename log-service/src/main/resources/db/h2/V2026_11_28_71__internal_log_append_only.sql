-- H2: internal log entries and checkpoints are never changed or removed (see io.casetrail.logs.internal.AppendOnly).
CREATE TRIGGER internal_log_append_only BEFORE UPDATE, DELETE ON internal_log
    FOR EACH ROW CALL 'io.casetrail.logs.internal.AppendOnly';
CREATE TRIGGER internal_log_checkpoint_append_only BEFORE UPDATE, DELETE ON internal_log_checkpoint
    FOR EACH ROW CALL 'io.casetrail.logs.internal.AppendOnly';
