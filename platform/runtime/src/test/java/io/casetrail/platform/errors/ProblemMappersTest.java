package io.casetrail.platform.errors;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.InternalServerErrorException;
import jakarta.ws.rs.NotAllowedException;

import org.axonframework.common.lock.LockAcquisitionFailedException;
import org.junit.jupiter.api.Test;

/** What the shared mappers answer for the framework's own exceptions. */
class ProblemMappersTest {

    private final ProblemMappers mappers = new ProblemMappers();

    /**
     * A server failure the framework raised is answered as any unexpected failure: an error id, and none of its
     * message, which names classes (RESTEasy's "Could not find MessageBodyWriter for response object of type: ...").
     */
    @Test
    void aFrameworkServerErrorIsAnsweredWithoutItsMessage() {
        var answer = mappers.web(new InternalServerErrorException("Could not find MessageBodyWriter for response"
                + " object of type: io.casetrail.secret.Internals"), null);
        assertThat(answer.getStatus()).isEqualTo(500);
        Problem problem = (Problem) answer.getEntity();
        assertThat(problem.detail()).startsWith("an unexpected error occurred; quote error id ")
                .doesNotContain("io.casetrail").doesNotContain("MessageBodyWriter");
    }

    /**
     * On the identity platform's endpoints an unexpected failure is its E0000009 body, whose errorId is the id the
     * failure is logged under (one id, in the platform's form); problem+json elsewhere quotes an id of that form.
     */
    @Test
    void anUnexpectedFailureAnswersTheIdItIsLoggedUnder() {
        var okta = mappers.unexpected(new IllegalStateException("boom"), uri("/api/v1/org/privacy/oktaSupport/extend"));
        assertThat(okta.getStatus()).isEqualTo(500);
        OktaError body = (OktaError) okta.getEntity();
        assertThat(body.errorCode()).isEqualTo("E0000009");
        assertThat(body.errorId()).matches("oae[0-9a-f]{19}");
        var problem = mappers.unexpected(new IllegalStateException("boom"), uri("/cases/00100001"));
        assertThat(((Problem) problem.getEntity()).detail()).matches("an unexpected error occurred; quote error id"
                + " oae[0-9a-f]{19} to the operators");
    }

    /** A lock wait the database gave up (H2, PostgreSQL) changed nothing: a conflict to retry, not a 500. */
    @Test
    void aLockWaitTheDatabaseGaveUpIsAConflictToRetry() {
        for (String state : java.util.List.of("HYT00", "55P03")) {
            var answer = mappers.unexpected(new IllegalStateException("SQL failed",
                    new java.sql.SQLException("Timeout trying to lock table", state)), uri("/cases/00100001"));
            assertThat(answer.getStatus()).as(state).isEqualTo(409);
            assertThat(((Problem) answer.getEntity()).type())
                    .hasToString("https://casetrail.io/problems/concurrent-modification");
        }
    }

    private static jakarta.ws.rs.core.UriInfo uri(String path) {
        return (jakarta.ws.rs.core.UriInfo) java.lang.reflect.Proxy.newProxyInstance(
                ProblemMappersTest.class.getClassLoader(), new Class<?>[] {jakarta.ws.rs.core.UriInfo.class},
                (proxy, method, args) -> method.getName().equals("getPath") ? path : null);
    }

    /** A command that waited its time for an aggregate another transaction held: the client may retry. */
    @Test
    void anAggregateHeldTooLongIsAConflictToRetry() {
        var answer = mappers.busy(new LockAcquisitionFailedException("The aggregate 00001234 stayed locked"), null);
        assertThat(answer.getStatus()).isEqualTo(409);
        Problem problem = (Problem) answer.getEntity();
        assertThat(problem.type()).hasToString("https://casetrail.io/problems/concurrent-modification");
        assertThat(problem.detail()).isEqualTo("the resource was held by other requests for too long; retry");
    }

    @Test
    void aClientErrorKeepsItsOwnAnswer() {
        var answer = mappers.web(new NotAllowedException("GET"), null);
        assertThat(answer.getStatus()).isEqualTo(405);
        assertThat(((Problem) answer.getEntity()).detail()).isEqualTo("this resource does not accept that method");
    }
}
