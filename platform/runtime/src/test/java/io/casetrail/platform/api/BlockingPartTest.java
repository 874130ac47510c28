package io.casetrail.platform.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestResponse;
import org.junit.jupiter.api.Test;

import io.casetrail.platform.errors.InvalidInput;

class BlockingPartTest {

    @SuppressWarnings("unused")
    static final class Endpoints {
        Response blocking() {
            return null;
        }

        CompletionStage<Response> nonBlocking() {
            return null;
        }

        CompletionStage<RestResponse<String>> typed() {
            return null;
        }
    }

    @Test
    void aNonBlockingEndpointIsOneAnsweringWithAStageAndItsAnswerIsTheStagesContent() throws Exception {
        var blocking = Endpoints.class.getDeclaredMethod("blocking");
        var nonBlocking = Endpoints.class.getDeclaredMethod("nonBlocking");
        var typed = Endpoints.class.getDeclaredMethod("typed");
        assertThat(BlockingPart.nonBlocking(blocking)).isFalse();
        assertThat(BlockingPart.nonBlocking(nonBlocking)).isTrue();
        assertThat(BlockingPart.answerType(blocking)).isEqualTo(Response.class);
        assertThat(BlockingPart.answerType(nonBlocking)).isEqualTo(Response.class);
        assertThat(BlockingPart.answerType(typed)).isEqualTo(RestResponse.class);

        Response answer = Response.noContent().build();
        assertThat(BlockingPart.asAnswerOf(blocking, answer)).isSameAs(answer);
        assertThat(BlockingPart.asAnswerOf(nonBlocking, answer)).isInstanceOfSatisfying(CompletionStage.class,
                stage -> assertThat(stage.toCompletableFuture()).isCompletedWithValue(answer));
    }

    @Test
    void awaitingAnAnswerGivesItsContentOrThrowsItsFailureAsTheEndpointThrewIt() throws Exception {
        Response answer = Response.noContent().build();
        assertThat(BlockingPart.await(answer)).isSameAs(answer);
        assertThat(BlockingPart.await(CompletableFuture.completedFuture(answer))).isSameAs(answer);
        InvalidInput refused = new InvalidInput("orgId: name your own org");
        // a failure chained stages wrap (thenCompose, thenApply) comes out as it was thrown
        CompletableFuture<Object> failed = CompletableFuture.failedFuture(refused);
        assertThatThrownBy(() -> BlockingPart.await(failed.thenApply(x -> x))).isSameAs(refused);
    }
}
