-- Where the System Log's index has every entry's words (between spaces, without the punctuation around them):
-- entries stored after this migration ran, by a version that indexes them. Entries stored before may lack them
-- (they were indexed from 2026-12-01 on); the index check does not require them of those (SystemLogIndexCheck).
-- SQL that runs on PostgreSQL and on H2 in PostgreSQL mode.
CREATE TABLE system_log_index_rules (
    rules    VARCHAR(32) NOT NULL,
    from_seq BIGINT      NOT NULL,
    PRIMARY KEY (rules)
);
INSERT INTO system_log_index_rules (rules, from_seq)
SELECT 'words', COALESCE(MAX(seq), 0) FROM system_log_event;
