package io.casetrail.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.transaction.Status;
import jakarta.transaction.TransactionManager;

import org.axonframework.common.lock.Lock;
import org.axonframework.common.lock.LockAcquisitionFailedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.arjuna.ats.internal.jta.transaction.arjunacore.TransactionSynchronizationRegistryImple;

/** The aggregate locks on Narayana's own transaction manager, as Quarkus runs it, with real threads. */
class TransactionBoundLocksTest {

    private static TransactionManager jta;

    /** Threads of their own: the common pool may have one thread on two cores, and the tests block in it. */
    private static final ExecutorService OTHERS = Executors.newCachedThreadPool();

    private final TransactionBoundLocks locks =
            new TransactionBoundLocks(new TransactionSynchronizationRegistryImple(), Duration.ofSeconds(5));

    @BeforeAll
    static void narayana() {
        System.setProperty("ObjectStoreEnvironmentBean.objectStoreDir", "target/narayana-object-store");
        jta = com.arjuna.ats.jta.TransactionManager.transactionManager();
    }

    @AfterAll
    static void stopThreads() {
        OTHERS.shutdownNow();
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        if (jta.getStatus() != Status.STATUS_NO_TRANSACTION) {
            jta.rollback();
        }
        assertThat(locks.size()).isZero();
    }

    @Test
    void anotherTransactionGetsTheAggregateOnlyOnceTheHoldersCommitted() throws Exception {
        anotherTransactionWaitsUntil(jta::commit);
    }

    @Test
    void aRollbackLetsTheAggregateGoToo() throws Exception {
        anotherTransactionWaitsUntil(jta::rollback);
    }

    private void anotherTransactionWaitsUntil(Ending end) throws Exception {
        jta.begin();
        Lock held = locks.obtainLock("case-1");
        held.release(); // Axon's unit of work ends here, before the transaction commits
        assertThat(held.isHeld()).isFalse();

        CompletableFuture<Boolean> other = inAnotherTransaction("case-1");
        awaitWaiting(other);

        end.run();
        assertThat(other.get(5, TimeUnit.SECONDS)).isTrue();
    }

    /** How the holder's transaction ends. */
    @FunctionalInterface
    private interface Ending {
        void run() throws Exception;
    }

    @Test
    void theSameTransactionTakesItsAggregateAgainAtOnce() throws Exception {
        jta.begin();
        Lock first = locks.obtainLock("case-1");
        first.release();
        Lock second = locks.obtainLock("case-1"); // the request's next command on the same case
        assertThat(second.isHeld()).isTrue();
        second.release();
        Lock otherCase = locks.obtainLock("case-2");
        otherCase.release();
        jta.commit();

        assertThat(inAnotherTransaction("case-1").get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(inAnotherTransaction("case-2").get(5, TimeUnit.SECONDS)).isTrue();
    }

    /** A command of the transaction failed and marked it rollback-only; its next one on the case must not wait. */
    @Test
    void aTransactionMarkedRollbackOnlyTakesItsAggregateAgainAtOnce() throws Exception {
        jta.begin();
        locks.obtainLock("case-1").release();
        jta.setRollbackOnly();
        Lock again = locks.obtainLock("case-1");
        assertThat(again.isHeld()).isTrue();
        again.release();
        // and one it had not taken yet is given back as Axon releases it: it has no synchronization to wait for
        Lock otherCase = locks.obtainLock("case-2");
        otherCase.release();
        assertThat(inAnotherTransaction("case-2").get(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Boolean> waiting = inAnotherTransaction("case-1");
        awaitWaiting(waiting);

        jta.rollback();
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aTransactionEndedOnAnotherThreadLetsTheAggregateGo() throws Exception {
        jta.setTransactionTimeout(1);
        try {
            jta.begin();
        } finally {
            jta.setTransactionTimeout(0);
        }
        locks.obtainLock("case-1").release();
        // the transaction reaper rolls the transaction back on a thread of its own, and the waiter gets the case
        assertThat(inAnotherTransaction("case-1").get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(jta.getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
    }

    @Test
    void aWaiterGivesUpAfterTheWaitAndLeavesTheLockAsItWas() throws Exception {
        var impatient = new TransactionBoundLocks(new TransactionSynchronizationRegistryImple(), Duration.ofMillis(200));
        jta.begin();
        Lock held = impatient.obtainLock("case-1");
        CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> {
            try {
                jta.begin();
                try {
                    impatient.obtainLock("case-1");
                    return true;
                } finally {
                    jta.rollback();
                }
            } catch (LockAcquisitionFailedException e) {
                return false;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, OTHERS);
        assertThat(other.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(held.isHeld()).isTrue();
        held.release();
        jta.commit();
        assertThat(impatient.size()).isZero();
    }

    @Test
    void outsideATransactionTheLockIsTheThreadsAndGoesWhenReleased() throws Exception {
        Lock held = locks.obtainLock("case-1");
        Lock again = locks.obtainLock("case-1"); // the same thread, as Axon's own lock allows
        CompletableFuture<Boolean> other = inAnotherTransaction("case-1");
        again.release();
        assertThat(held.isHeld()).isTrue();
        awaitWaiting(other);

        held.release();
        assertThat(held.isHeld()).isFalse();
        assertThat(other.get(5, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * Positive evidence that a transaction on another thread waits for a lock: a thread seen parked in the lock's
     * wait, and the transaction not done. Not done alone would be as true of a transaction that had not started.
     */
    private static void awaitWaiting(CompletableFuture<Boolean> other) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!aThreadWaitsForALock()) {
            assertThat(System.nanoTime()).as("a thread waiting for a lock").isLessThan(deadline);
            Thread.sleep(10);
        }
        assertThat(other).isNotDone();
    }

    private static boolean aThreadWaitsForALock() {
        return Thread.getAllStackTraces().entrySet().stream().anyMatch(thread -> thread.getKey().getState()
                != Thread.State.RUNNABLE && Arrays.stream(thread.getValue()).anyMatch(frame -> frame.getClassName()
                .startsWith(TransactionBoundLocks.class.getName()) && frame.getMethodName().equals("acquire")));
    }

    /** Whether a transaction on another thread took the aggregate (and then committed, letting it go). */
    private CompletableFuture<Boolean> inAnotherTransaction(String aggregate) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                jta.begin();
                try {
                    Lock lock = locks.obtainLock(aggregate);
                    boolean held = lock.isHeld();
                    lock.release();
                    jta.commit();
                    return held;
                } finally {
                    if (jta.getStatus() != Status.STATUS_NO_TRANSACTION) {
                        jta.rollback();
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, OTHERS);
    }
}
