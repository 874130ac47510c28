package io.casetrail.platform.axon;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.axonframework.common.lock.Lock;
import org.axonframework.common.lock.LockAcquisitionFailedException;
import org.axonframework.common.lock.LockFactory;

/**
 * Aggregate locks held until the transaction that took them completes. Axon's own lock factory lets an aggregate
 * go when the command's unit of work ends; when the command ran inside a transaction of its caller's (an
 * {@code Idempotency-Key} request's, a {@code @Transactional} endpoint's, a Kafka consumer's), that is before its
 * events are committed, so the next command on the aggregate read it without them and its events collided with
 * theirs. Here a lock taken inside an active JTA transaction belongs to the transaction, whatever thread ends it
 * (the transaction reaper rolls a timed-out one back on a thread of its own): it is let go in the transaction's
 * {@code afterCompletion}, and the same transaction may take it again meanwhile (a request's second command on the
 * same case, also once a failed command marked the transaction rollback-only). A lock taken outside a transaction
 * belongs to its thread and is let go when Axon releases it, as Axon's own would be; so is one a rollback-only
 * transaction takes first (nothing of it will commit).
 *
 * <p>Within one instance the commands on an aggregate are so put one after the other up to their commits; across
 * instances only the event store's unique key does that, and the loser runs again ({@link ConflictRetry},
 * {@link TransactionRetry}). A lock that cannot be had within the wait fails the command
 * ({@link LockAcquisitionFailedException}: answered {@code 409 concurrent-modification}, and never held forever by
 * two transactions each waiting for the other's aggregate).
 */
final class TransactionBoundLocks implements LockFactory {

    private final TransactionSynchronizationRegistry transactions;
    private final long waitNanos;

    /** A lock per aggregate while anyone holds or waits for it; {@link Entry#users} counts them. */
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    TransactionBoundLocks(TransactionSynchronizationRegistry transactions, Duration wait) {
        this.transactions = transactions;
        this.waitNanos = wait.toNanos();
    }

    @Override
    public Lock obtainLock(String identifier) {
        int status = transactions.getTransactionStatus();
        // a transaction marked rollback-only (a command of it failed) still owns what it took: its next command on
        // the same aggregate takes it again rather than waiting for itself
        Object transaction = status == Status.STATUS_ACTIVE || status == Status.STATUS_MARKED_ROLLBACK
                ? transactions.getTransactionKey() : null;
        Object owner = transaction != null ? transaction : Thread.currentThread();
        Entry entry = enter(identifier);
        boolean first;
        try {
            first = entry.acquire(owner, waitNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            leave(identifier);
            throw new LockAcquisitionFailedException("Interrupted while waiting for the lock of " + identifier, e);
        } catch (LockAcquisitionFailedException e) {
            leave(identifier);
            throw e;
        }
        boolean onCompletion;
        if (first && status == Status.STATUS_ACTIVE) {
            entry.releaseOnCompletion(owner);
            try {
                transactions.registerInterposedSynchronization(new ReleaseOnCompletion(identifier, owner));
            } catch (RuntimeException e) { // the transaction ended meanwhile (its timeout): nothing of it commits
                release(identifier, owner, true);
                throw e;
            }
            onCompletion = true;
        } else {
            // a thread's take goes when Axon releases it; so does a rollback-only transaction's that took the
            // aggregate first with no synchronization (nothing of it will commit)
            onCompletion = !first && entry.releasedOnCompletion(owner);
        }
        return new Held(identifier, entry, owner, !onCompletion);
    }

    /** Aggregates locked or waited for now (for tests: none is left behind). */
    int size() {
        return entries.size();
    }

    private Entry enter(String identifier) {
        return entries.compute(identifier, (key, entry) -> {
            Entry joined = entry == null ? new Entry(identifier) : entry;
            joined.users++;
            return joined;
        });
    }

    private void leave(String identifier) {
        entries.computeIfPresent(identifier, (key, entry) -> --entry.users == 0 ? null : entry);
    }

    /**
     * Gives back one take of {@code owner}'s, or all of them, and its uses with them, in one step: a waiter woken
     * here finds the entry's count already down when it leaves in turn.
     */
    private void release(String identifier, Object owner, boolean all) {
        entries.computeIfPresent(identifier, (key, current) -> {
            int released = all ? current.releaseAll(owner) : current.release(owner);
            return (current.users -= released) == 0 ? null : current;
        });
    }

    /** One aggregate's lock: its owner (a transaction's key or a thread) and how often that owner took it. */
    private static final class Entry {

        private final String identifier;

        /** Holders' takes and waiters; changed only inside the map's compute, so the entry goes when unused. */
        int users;

        private Object owner;
        private int holds;

        /** Whether the owner's takes are given back when its transaction completes, not one by one. */
        private boolean onCompletion;

        Entry(String identifier) {
            this.identifier = identifier;
        }

        /** Takes the lock for {@code taker}, waiting at most {@code nanos}; whether this is its first take. */
        synchronized boolean acquire(Object taker, long nanos) throws InterruptedException {
            long deadline = System.nanoTime() + nanos;
            while (owner != null && !owner.equals(taker)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new LockAcquisitionFailedException("The aggregate " + identifier + " stayed locked by another"
                            + " transaction for " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms");
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            owner = taker;
            return ++holds == 1;
        }

        synchronized void releaseOnCompletion(Object holder) {
            onCompletion = holder.equals(owner);
        }

        synchronized boolean releasedOnCompletion(Object holder) {
            return onCompletion && holder.equals(owner);
        }

        /** Gives back one take of {@code holder}'s; whether it had one (1) or not (0). */
        synchronized int release(Object holder) {
            if (!holder.equals(owner)) {
                return 0;
            }
            if (--holds == 0) {
                free();
            }
            return 1;
        }

        /** Gives back every take of {@code holder}'s; how many there were. */
        synchronized int releaseAll(Object holder) {
            if (!holder.equals(owner)) {
                return 0;
            }
            int released = holds;
            holds = 0;
            free();
            return released;
        }

        synchronized boolean heldBy(Object holder) {
            return holder.equals(owner);
        }

        private void free() {
            owner = null;
            onCompletion = false;
            notifyAll();
        }
    }

    /** A transaction's takes of one aggregate, given back when it has committed or rolled back. */
    private final class ReleaseOnCompletion implements Synchronization {

        private final String identifier;
        private final Object owner;

        ReleaseOnCompletion(String identifier, Object owner) {
            this.identifier = identifier;
            this.owner = owner;
        }

        @Override
        public void beforeCompletion() {
        }

        @Override
        public void afterCompletion(int status) {
            release(identifier, owner, true);
        }
    }

    /** What Axon holds for a unit of work; releasing it lets go of a thread's lock, and not of a transaction's. */
    private final class Held implements Lock {

        private final String identifier;
        private final Entry entry;
        private final Object owner;
        /** Whether this take is given back here (a thread's), or when its transaction completes. */
        private final boolean releasedHere;
        private boolean released;

        Held(String identifier, Entry entry, Object owner, boolean releasedHere) {
            this.identifier = identifier;
            this.entry = entry;
            this.owner = owner;
            this.releasedHere = releasedHere;
        }

        @Override
        public void release() {
            if (released) {
                return;
            }
            released = true;
            if (releasedHere) {
                TransactionBoundLocks.this.release(identifier, owner, false);
            }
        }

        @Override
        public boolean isHeld() {
            return !released && entry.heldBy(owner);
        }
    }
}
