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
        // PostgreSQL restarting or failing over: shut down under a statement, crashed, starting up
        for (String state : new String[] {"57P01", "57P02", "57P03"}) {
            assertThat(ProblemMappers.databaseUnreachable(new SQLException("terminating", state))).as(state).isTrue();
        }
    }

    /** On the identity platform's endpoints: its code for a request to try again, saying why, not a failure's. */
    @Test
    void theIdentityPlatformsBodySaysUnavailable() {
        OktaError unavailable = OktaError.forStatus(503, "the service cannot reach its database");
        assertThat(unavailable.errorCode()).isEqualTo("E0000009");
        assertThat(unavailable.errorSummary()).isEqualTo("Service unavailable: the service cannot reach its database");
        assertThat(OktaError.forStatus(500, "x").errorSummary()).isEqualTo("Internal Server Error");
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(ProblemMappers.databaseUnreachable(new SQLException("duplicate key", "23505"))).isFalse();
        // a protocol violation is a statement the client got wrong: a bug, whatever its class
        assertThat(ProblemMappers.databaseUnreachable(new SQLException("bind message supplies 2 parameters",
                "08P01"))).isFalse();
        assertThat(ProblemMappers.databaseUnreachable(new SQLException("no state"))).isFalse();
        assertThat(ProblemMappers.databaseUnreachable(new IllegalStateException("a bug"))).isFalse();
    }
}
