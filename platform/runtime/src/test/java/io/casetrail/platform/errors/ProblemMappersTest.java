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
