package io.casetrail.platform.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

/** Which failures are the database out of reach (answered 503, to be tried again) and which are not (500). */
class DatabaseUnreachableTest {

    @Test
    void aConnectionThatFailedOrCouldNotBeHadIsTheDatabaseOutOfReach() {
        // PostgreSQL's driver: the connection broke (08006), or could not be made (08001), however deep the cause
        assertThat(ProblemMappers.databaseUnreachable(new IllegalStateException("commit failed",
                new RuntimeException(new SQLException("An I/O error occurred while sending to the backend",
                        "08006"))))).isTrue();
        assertThat(ProblemMappers.databaseUnreachable(new SQLException("Connection refused", "08001"))).isTrue();
        // the pool had none to give in time (Agroal names no state)
        assertThat(ProblemMappers.databaseUnreachable(new RuntimeException(new SQLException(
                "Sorry, acquisition timeout!")))).isTrue();
        assertThat(ProblemMappers.databaseUnreachable(new SQLTransientConnectionException("gone"))).isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(ProblemMappers.databaseUnreachable(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(ProblemMappers.databaseUnreachable(new SQLException("no state"))).isFalse();
        assertThat(ProblemMappers.databaseUnreachable(new IllegalStateException("a bug"))).isFalse();
    }
}
