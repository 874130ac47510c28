-- Test classpath only: the read model of RebuildProbeProjection (see ProjectionRebuildTest).
CREATE TABLE test_rebuild_probe (
    event_id    VARCHAR(255) NOT NULL,
    case_number VARCHAR(16)  NOT NULL,
    PRIMARY KEY (event_id)
);
