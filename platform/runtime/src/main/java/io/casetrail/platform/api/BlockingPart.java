package io.casetrail.platform.api;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableContext;
import io.quarkus.arc.ManagedContext;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The blocking part of a request to a non-blocking endpoint (one that returns a {@link CompletionStage}, which Quarkus
 * REST runs on the HTTP event loop): what must hold a transaction, such as an {@code Idempotency-Key}'s claim and
 * answer, runs on a worker thread, in the request's CDI context, and the endpoint's answer follows once it is done.
 */
public final class BlockingPart {

    private BlockingPart() {
    }

    /** Whether the endpoint answers with a {@link CompletionStage}: Quarkus REST runs it on the event loop. */
    public static boolean nonBlocking(Method endpoint) {
        return CompletionStage.class.isAssignableFrom(endpoint.getReturnType());
    }

    /** What an endpoint answers with, its stage's content for a non-blocking one ({@code Response}, say). */
    public static Class<?> answerType(Method endpoint) {
        if (!nonBlocking(endpoint)) {
            return endpoint.getReturnType();
        }
        Type type = endpoint.getGenericReturnType();
        if (type instanceof ParameterizedType stage) {
            Type content = stage.getActualTypeArguments()[0];
            if (content instanceof Class<?> plain) {
                return plain;
            }
            if (content instanceof ParameterizedType generic && generic.getRawType() instanceof Class<?> raw) {
                return raw;
            }
        }
        return Object.class;
    }

    /**
     * Runs {@code work} on a worker thread, in the current request's CDI context (its request-scoped beans, its
     * identity); its result, or its failure, completes the stage returned.
     */
    public static CompletionStage<Object> onWorker(Callable<?> work) {
        ManagedContext requestContext = Arc.container().requestContext();
        InjectableContext.ContextState state = requestContext.isActive() ? requestContext.getState() : null;
        CompletableFuture<Object> done = new CompletableFuture<>();
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            if (state != null) {
                requestContext.activate(state);
            }
            try {
                done.complete(work.call());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            } finally {
                if (state != null) {
                    requestContext.deactivate();
                }
            }
        });
        return done;
    }

    /**
     * An endpoint's answer, waiting for it if it is a stage (on a worker thread only): its failure is thrown as the
     * endpoint threw it.
     */
    public static Object await(Object answer) throws Exception {
        if (!(answer instanceof CompletionStage<?> stage)) {
            return answer;
        }
        try {
            return stage.toCompletableFuture().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof java.util.concurrent.CompletionException wrapped && wrapped.getCause() != null) {
                cause = wrapped.getCause();
            }
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** The answer as the endpoint gives it: in a stage for a non-blocking one. */
    public static Object asAnswerOf(Method endpoint, Object answer) {
        return nonBlocking(endpoint) && !(answer instanceof CompletionStage<?>)
                ? CompletableFuture.completedFuture(answer) : answer;
    }
}
