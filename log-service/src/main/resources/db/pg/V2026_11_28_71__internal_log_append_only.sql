-- PostgreSQL: internal log entries and checkpoints are never changed or removed, whoever asks. Operators who must
-- prove otherwise (a tamper drill) need the table owner's rights to disable the triggers, which is itself visible.
CREATE FUNCTION casetrail_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'casetrail: % on % is refused: internal logs are append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER internal_log_append_only BEFORE UPDATE OR DELETE ON internal_log
    FOR EACH ROW EXECUTE FUNCTION casetrail_refuse_change();
CREATE TRIGGER internal_log_checkpoint_append_only BEFORE UPDATE OR DELETE ON internal_log_checkpoint
    FOR EACH ROW EXECUTE FUNCTION casetrail_refuse_change();
CREATE TRIGGER internal_log_truncate BEFORE TRUNCATE ON internal_log
    FOR EACH STATEMENT EXECUTE FUNCTION casetrail_refuse_change();
CREATE TRIGGER internal_log_checkpoint_truncate BEFORE TRUNCATE ON internal_log_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION casetrail_refuse_change();
