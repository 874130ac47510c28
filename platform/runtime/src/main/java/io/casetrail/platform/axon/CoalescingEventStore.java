package io.casetrail.platform.axon;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;

/**
 * Axon's embedded event store, waking its readers (the projections and the relay) at most once per
 * {@code wakeDelay} rather than at every commit: at once after a quiet moment, then once for the commits that
 * follow within the delay.
 *
 * <p>Axon's store wakes its one reading thread whenever a transaction that stored events commits; that thread reads
 * what is new, once more to find nothing, and hands it to every tracking processor, each of which commits what it
 * was handed as one batch: a read model's rows and its token, or the relay's records. Under a steady stream of
 * commits every commit costs each processor a transaction, a token update and a round of statements, however few
 * events it brought. Here a commit wakes the reader at once only if it was not woken within the last
 * {@code wakeDelay}; otherwise it schedules the next wake-up for {@code wakeDelay} after the last one, and the
 * commits until then join it. Under a stream of commits the processors get one batch for all of those: fewer
 * transactions for the same events, for a delay of at most {@code wakeDelay} in what the read models and the topic
 * show; a commit after a quiet moment is read at once. A {@code wakeDelay} of zero wakes the reader at every commit,
 * as Axon does.
 *
 * <p>Nothing is read later than it would be otherwise except by that delay: the reader still looks on its own
 * every fetch delay, and a wake-up scheduled when the store shuts down is dropped with it.
 */
final class CoalescingEventStore extends EmbeddedEventStore {

    private final long wakeDelayNanos;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    /** When the reader was last woken ({@link System#nanoTime}); guarded by {@code this}. */
    private long lastWake = System.nanoTime() - Long.MAX_VALUE / 2;
    private final AtomicLong wakeUps = new AtomicLong();

    CoalescingEventStore(EmbeddedEventStore.Builder builder, Duration wakeDelay) {
        super(builder);
        this.wakeDelayNanos = wakeDelay.toNanos();
        this.timer = wakeDelayNanos == 0 ? null : Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "event-store-wake-up");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    protected void afterCommit(List<? extends EventMessage<?>> events) {
        if (timer == null) {
            wakeUp(events);
            return;
        }
        if (wakeScheduled.get()) {
            return; // the scheduled wake-up reads this commit too
        }
        long sinceLast;
        synchronized (this) {
            if (wakeScheduled.get()) {
                return;
            }
            sinceLast = System.nanoTime() - lastWake;
            if (sinceLast >= wakeDelayNanos) {
                lastWake = System.nanoTime();
            } else {
                wakeScheduled.set(true);
            }
        }
        if (sinceLast >= wakeDelayNanos) {
            wakeUp(events);
        } else {
            try {
                timer.schedule(this::scheduledWakeUp, wakeDelayNanos - sinceLast, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException shutDown) {
                // the store is shutting down, its reader with it: the commit itself is done
            }
        }
    }

    private void scheduledWakeUp() {
        synchronized (this) {
            lastWake = System.nanoTime();
            // cleared before the wake-up, so that a commit during the read schedules the next one
            wakeScheduled.set(false);
        }
        wakeUp(List.of());
    }

    private void wakeUp(List<? extends EventMessage<?>> events) {
        wakeUps.incrementAndGet();
        super.afterCommit(events);
    }

    /** How many times the reader was woken by commits: for tests. */
    long wakeUps() {
        return wakeUps.get();
    }

    @Override
    public void shutDown() {
        if (timer != null) {
            timer.shutdownNow();
        }
        super.shutDown();
    }
}
