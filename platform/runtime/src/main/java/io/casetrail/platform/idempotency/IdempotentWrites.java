package io.casetrail.platform.idempotency;

import java.util.concurrent.Callable;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.core.Response;

import io.casetrail.platform.axon.ConflictRetry;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The writes of an {@link Idempotent} endpoint that reads a streamed body (an upload). Such a body may take minutes
 * to arrive, and no transaction may be open meanwhile: it would hold one of the pool's few database connections
 * for as long as the client takes to send (a few slow uploads would stop the service), and time out. So
 * {@link IdempotencyInterceptor} opens none around such an endpoint: the endpoint decides what it must before it
 * reads (each command in a transaction of its own), reads the body, and then writes through {@link #commit}, one
 * short transaction that, when the request came with an Idempotency-Key, also claims the key and stores the answer.
 */
@RequestScoped
public class IdempotentWrites {

    /** Runs writes in the transaction that claims the request's key. */
    @FunctionalInterface
    interface Claim {
        Response run(Callable<Response> writes) throws Exception;
    }

    private Claim claim;
    private boolean committed;

    void claimWith(Claim claim) {
        this.claim = claim;
    }

    boolean committed() {
        return committed;
    }

    /** Runs {@code writes}, which answer the request, in one new transaction with the key's claim and answer. */
    public Response commit(Callable<Response> writes) {
        if (committed) {
            throw new IllegalStateException("a request commits its writes once");
        }
        committed = true;
        Claim current = claim;
        // a transaction lost to a race for an aggregate runs again, as TransactionRetry runs other requests again
        return ConflictRetry.untilWon(() -> QuarkusTransaction.requiringNew().call(
                () -> current == null ? writes.call() : current.run(writes)));
    }
}
