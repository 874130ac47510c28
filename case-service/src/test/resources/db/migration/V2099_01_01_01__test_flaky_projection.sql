-- Test classpath only: the read model of FlakyProjection (see RetryInsteadOfSkipTest).
CREATE TABLE test_flaky_seen (
    case_number VARCHAR(16) NOT NULL,
    event_id    VARCHAR(255) NOT NULL
);
