package io.casetrail.logs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The checkpoint cadence the service is set to: a cadence of no entries would fail every append (and hold the
 * internal log up for good), so the service does not start with it (the bean is made when the internal log's
 * consumer starts, at start-up).
 */
class CheckpointsTest {

    private static Checkpoints every(long entries) {
        return new Checkpoints(null, "casetrail-test-keys/checkpoint-private.pem",
                "casetrail-test-keys/checkpoint-public.pem", entries);
    }

    @Test
    void aCadenceOfNoEntriesIsRefused() {
        for (long entries : new long[] {0, -1}) {
            assertThatThrownBy(() -> every(entries)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("casetrail.internal-log.checkpoint.every-entries is to be 1 or more: " + entries);
        }
    }

    @Test
    void everyEntryOrEveryHundredIsTaken() {
        assertThat(every(1).dueAt(7)).isTrue();
        assertThat(every(100).dueAt(200)).isTrue();
        assertThat(every(100).dueAt(201)).isFalse();
    }
}
