package io.casetrail.platform.axon;

import java.util.List;

import jakarta.transaction.TransactionManager;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.RetryScheduler;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.jboss.logging.Logger;

/**
 * Sends a command again, at once, when its events lost the race for their aggregate's next sequence number
 * ({@link ConcurrencyException}: the event store's unique key refused the append; or
 * {@link AggregateStreamCreationException} when the race was for an aggregate's first event, two instances each
 * creating the case's record). Within one instance the aggregate's lock puts the commands on an aggregate one after
 * the other, up to their commits ({@link TransactionBoundLocks}); across instances only that key does, and the
 * command that lost is evaluated afresh against the aggregate as the winner left it, as a client told to retry would.
 * It matters most where the outcome is itself a record: a refused consented action or a refused write while
 * impersonating is recorded on the case, and a refusal answered "conflict, retry" would be on record nowhere.
 *
 * <p>Only a command that ran in a transaction of its own is sent again: inside a caller's transaction (an
 * {@code Idempotency-Key} request's, a {@code @Transactional} endpoint's) the refused insert has spoiled that
 * transaction, and the whole request's transaction is run again instead ({@link TransactionRetry}).
 */
public final class ConflictRetry implements RetryScheduler {

    private static final Logger LOG = Logger.getLogger(ConflictRetry.class);

    /** Attempts in all, the first included. */
    static final int ATTEMPTS = 4;

    private final TransactionManager jta;

    ConflictRetry(TransactionManager jta) {
        this.jta = jta;
    }

    @Override
    public boolean scheduleRetry(CommandMessage commandMessage, RuntimeException lastFailure,
                                 List<Class<? extends Throwable>[]> failures, Runnable dispatchTask) {
        if (failures.size() >= ATTEMPTS || !isConflict(lastFailure) || inCallersTransaction()) {
            return false;
        }
        dispatchTask.run();
        return true;
    }

    /** One attempt at a piece of work in a transaction of its own. */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Runs {@code attempt}, a whole transaction, again as long as it loses a race for an aggregate, {@value #ATTEMPTS}
     * times in all; then, or on any other failure, throws what it threw.
     */
    public static <T, E extends Exception> T untilWon(Attempt<T, E> attempt) throws E {
        for (int made = 1; ; made++) {
            try {
                return attempt.run();
            } catch (RuntimeException e) {
                if (made >= ATTEMPTS || !isConflict(e)) {
                    throw e;
                }
                LOG.debugf("A transaction lost a race for an aggregate (attempt %d of %d); running it again", made,
                        ATTEMPTS);
            }
        }
    }

    /** Whether a failure is a lost race for an aggregate's next sequence number (or its first). */
    public static boolean isConflict(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConcurrencyException || cause instanceof AggregateStreamCreationException) {
                return true;
            }
        }
        return false;
    }

    private boolean inCallersTransaction() {
        return JtaTransactionManager.onThread(jta);
    }
}
