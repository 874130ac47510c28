package io.casetrail.platform.axon;

import java.io.InputStream;
import java.util.Arrays;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.transaction.Transactional;

import io.casetrail.platform.idempotency.Idempotent;
import io.casetrail.platform.api.BlockingPart;
import io.casetrail.platform.idempotency.IdempotencyInterceptor;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.vertx.core.http.HttpServerRequest;

/**
 * Runs a command endpoint's transaction again, at once, when a command in it lost the race for an aggregate's next
 * sequence number. Inside a transaction the endpoint holds (a {@code @Transactional} endpoint's, an
 * {@code Idempotency-Key} request's) the refused insert has spoiled that transaction, so {@link ConflictRetry}
 * cannot send the command again. Within one instance the aggregate's lock, held until the transaction completes
 * ({@link TransactionBoundLocks}), keeps such races away; across instances they happen. Each attempt is
 * a transaction of its own, rolled back whole (the idempotency key's claim with it), and is evaluated afresh against
 * the aggregate as the winner left it; {@value ConflictRetry#ATTEMPTS} attempts in all, then the conflict is answered
 * (409 {@code concurrent-modification}). It runs before the transaction begins, and leaves alone a request already
 * in a transaction, and one whose body is streamed (an upload: it cannot be read twice; its writes, once the body
 * is read, are run again by {@link io.casetrail.platform.idempotency.IdempotentWrites}).
 */
@Idempotent
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class TransactionRetry {

    @Inject
    HttpServerRequest request;

    @AroundInvoke
    Object retryLostRaces(InvocationContext ctx) throws Exception {
        if (BlockingPart.nonBlocking(ctx.getMethod()) && holdsATransaction(ctx)) {
            // a non-blocking endpoint runs on the event loop, which never waits for the database: a request of it that
            // holds a transaction (an Idempotency-Key's) runs on a worker thread, its answer in the stage returned
            return BlockingPart.onWorker(() -> ConflictRetry.untilWon(() -> BlockingPart.await(ctx.proceed())));
        }
        if (!holdsATransaction(ctx) || QuarkusTransaction.isActive()
                || Arrays.stream(ctx.getParameters()).anyMatch(InputStream.class::isInstance)) {
            return ctx.proceed();
        }
        return ConflictRetry.untilWon(ctx::proceed);
    }

    /** Whether the endpoint's commands run in a transaction it holds (otherwise each has its own, and is retried). */
    private boolean holdsATransaction(InvocationContext ctx) {
        return ctx.getMethod().isAnnotationPresent(Transactional.class)
                || request.getHeader(IdempotencyInterceptor.HEADER) != null;
    }
}
