package io.casetrail.platform.axon;

import jakarta.transaction.Status;
import jakarta.transaction.SystemException;

import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;

/**
 * Axon's {@link TransactionManager} over Quarkus' Narayana JTA transaction manager.
 *
 * <p>Agroal enlists every connection taken inside a JTA transaction, so an event store append, the deadlines it
 * schedules, a projection's writes and the processor's token update all commit or roll back together. When a
 * transaction is already active on the thread (a REST method that is {@code @Transactional}, e.g. for
 * idempotency records), Axon joins it rather than starting its own.
 */
final class JtaTransactionManager implements TransactionManager {

    private final jakarta.transaction.TransactionManager jta;

    JtaTransactionManager(jakarta.transaction.TransactionManager jta) {
        this.jta = jta;
    }

    /** Whether a JTA transaction is on the calling thread (when its status cannot be read: taken as yes, joined). */
    static boolean onThread(jakarta.transaction.TransactionManager jta) {
        try {
            return jta.getStatus() != Status.STATUS_NO_TRANSACTION;
        } catch (SystemException e) {
            return true;
        }
    }

    @Override
    public Transaction startTransaction() {
        try {
            if (jta.getStatus() != Status.STATUS_NO_TRANSACTION) {
                return new Joined();
            }
            jta.begin();
            return new Owned();
        } catch (Exception e) {
            throw new IllegalStateException("Could not start a JTA transaction", e);
        }
    }

    /** A transaction this adapter began: it commits or rolls back here. */
    private final class Owned implements Transaction {
        @Override
        public void commit() {
            try {
                if (jta.getStatus() == Status.STATUS_MARKED_ROLLBACK) {
                    jta.rollback();
                    throw new IllegalStateException("The JTA transaction was marked rollback-only");
                }
                jta.commit();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("JTA commit failed", e);
            }
        }

        @Override
        public void rollback() {
            try {
                if (jta.getStatus() != Status.STATUS_NO_TRANSACTION) {
                    jta.rollback();
                }
            } catch (SystemException e) {
                throw new IllegalStateException("JTA rollback failed", e);
            }
        }
    }

    /** The caller's transaction: its owner commits; a failure here only marks it rollback-only. */
    private final class Joined implements Transaction {
        @Override
        public void commit() {
            // the owner of the transaction commits it
        }

        @Override
        public void rollback() {
            try {
                jta.setRollbackOnly();
            } catch (SystemException | IllegalStateException e) {
                throw new IllegalStateException("Could not mark the JTA transaction rollback-only", e);
            }
        }
    }
}
