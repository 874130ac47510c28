package io.casetrail.platform.axon;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;

/**
 * Axon's embedded event store, waking its readers (the projections and the relay) at most once per
 * {@code wakeDelay} rather than at every commit.
 *
 * <p>Axon's store wakes its one reading thread whenever a transaction that stored events commits; that thread reads
 * what is new, once more to find nothing, and hands it to every tracking processor, each of which commits what it
 * was handed as one batch: a read model's rows and its token, or the relay's records. Under a steady stream of
 * commits every commit costs each processor a transaction, a token update and a round of statements, however few
 * events it brought. Waking the reader once per {@code wakeDelay} instead (the first commit in a quiet moment
 * schedules it, the commits until then join it) gives the processors one batch for all of them: fewer transactions
 * for the same events, for a delay of at most {@code wakeDelay} in what the read models and the topic show. A
 * {@code wakeDelay} of zero wakes the reader at every commit, as Axon does.
 *
 * <p>Nothing is read later than it would be otherwise except by that delay: the reader still looks on its own
 * every fetch delay, and a wake-up scheduled when the store shuts down is dropped with it.
 */
final class CoalescingEventStore extends EmbeddedEventStore {

    private final long wakeDelayNanos;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
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
        } else if (wakeScheduled.compareAndSet(false, true)) {
            // cleared before the wake-up, so that a commit during the read schedules the next one
            timer.schedule(() -> {
                wakeScheduled.set(false);
                wakeUp(List.of());
            }, wakeDelayNanos, TimeUnit.NANOSECONDS);
        }
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
