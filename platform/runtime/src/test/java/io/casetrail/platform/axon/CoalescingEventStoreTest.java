package io.casetrail.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.json.JacksonSerializer;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The event store wakes its readers once for the commits of a moment, and they still read every event, in order.
 */
class CoalescingEventStoreTest {

    private static final int COMMITS = 40;

    private CoalescingEventStore store;

    @AfterEach
    void shutDown() {
        store.shutDown();
    }

    @Test
    void commitsOfAMomentWakeTheReadersOnceAndEveryEventIsRead() throws Exception {
        store = store(Duration.ofMillis(200));
        List<String> read = readWhileCommitting();

        assertThat(read).hasSize(COMMITS).isEqualTo(expected());
        Thread.sleep(500); // past the scheduled wake-up
        // the first commit woke it at once, the others came within the delay and shared the next wake-up (bar a slow
        // machine's stragglers)
        assertThat(store.wakeUps()).isBetween(2L, 4L);
    }

    @Test
    void aCommitAfterAQuietMomentWakesTheReadersAtOnce() throws Exception {
        store = store(Duration.ofSeconds(30));
        try (var stream = store.openStream(null)) {
            assertThat(stream.hasNextAvailable(300, TimeUnit.MILLISECONDS)).isFalse();
            store.publish(new GenericDomainEventMessage<>("Test", "case-0", 0, "event 0"));
            // read long before the 30 s delay would have let it be
            assertThat(stream.hasNextAvailable(10, TimeUnit.SECONDS)).isTrue();
            assertThat(stream.nextAvailable().getPayload()).isEqualTo("event 0");
        }
        assertThat(store.wakeUps()).isEqualTo(1);
    }

    @Test
    void withoutADelayEveryCommitWakesTheReaders() throws Exception {
        store = store(Duration.ZERO);
        List<String> read = readWhileCommitting();

        assertThat(read).isEqualTo(expected());
        assertThat(store.wakeUps()).isEqualTo(COMMITS);
    }

    @Test
    void aReaderFallenBehindTheCachedEventsStillReadsEveryEventOnceInOrder() throws Exception {
        int cached = 5;
        store = store(Duration.ofMillis(20), cached);
        List<String> tailing = new ArrayList<>();
        List<String> behind = new ArrayList<>();
        try (var first = store.openStream(null); var second = store.openStream(null)) {
            for (int i = 0; i < COMMITS; i++) {
                store.publish(new GenericDomainEventMessage<>("Test", "case-" + i, 0, "event " + i));
                // the first keeps up with every commit; the second too at first, then reads nothing while the store
                // takes five times what it keeps in memory: it falls behind the cache, reads the table on its own
                // and joins the cache again
                readAvailable(first, tailing, i + 1);
                if (i < cached || i >= 6 * cached) {
                    readAvailable(second, behind, i + 1);
                }
            }
            readAvailable(first, tailing, COMMITS);
            readAvailable(second, behind, COMMITS);
            assertThat(first.hasNextAvailable(300, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(second.hasNextAvailable(300, TimeUnit.MILLISECONDS)).isFalse();
        }
        assertThat(tailing).isEqualTo(expected());
        assertThat(behind).isEqualTo(expected());
    }

    /** Reads the stream until {@code read} holds {@code until} events (20 seconds at most). */
    private static void readAvailable(org.axonframework.common.stream.BlockingStream<TrackedEventMessage<?>> stream,
                                      List<String> read, int until) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (read.size() < until && System.nanoTime() < deadline) {
            if (stream.hasNextAvailable(100, TimeUnit.MILLISECONDS)) {
                read.add((String) stream.nextAvailable().getPayload());
            }
        }
    }

    /**
     * Opens a stream that reads what the store's reader hands it, commits one event at a time, and reads the stream
     * until it has every event: the reader looks only when woken (and again at once when it found something).
     */
    private List<String> readWhileCommitting() throws InterruptedException {
        List<String> read = new ArrayList<>();
        try (var stream = store.openStream(null)) {
            // the stream finds the table empty and waits on the store's reader, which waits for a wake-up
            assertThat(stream.hasNextAvailable(300, TimeUnit.MILLISECONDS)).isFalse();
            for (int i = 0; i < COMMITS; i++) {
                // outside a unit of work a publish is its own commit
                store.publish(new GenericDomainEventMessage<>("Test", "case-" + i, 0, "event " + i));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (read.size() < COMMITS && System.nanoTime() < deadline) {
                if (stream.hasNextAvailable(100, TimeUnit.MILLISECONDS)) {
                    TrackedEventMessage<?> event = stream.nextAvailable();
                    read.add((String) event.getPayload());
                }
            }
        }
        return read;
    }

    private static List<String> expected() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < COMMITS; i++) {
            expected.add("event " + i);
        }
        return expected;
    }

    private static CoalescingEventStore store(Duration wakeDelay) throws SQLException {
        return store(wakeDelay, 10_000);
    }

    private static CoalescingEventStore store(Duration wakeDelay, int cachedEvents) throws SQLException {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:coalescing-" + UUID.randomUUID() + ";MODE=PostgreSQL;DB_CLOSE_DELAY=-1");
        DataSource dataSource = h2;
        EventTableTest.createEventTable(dataSource);
        JacksonSerializer json = JacksonSerializer.defaultSerializer();
        EventTable events = EventTable.of(JdbcEventStorageEngine.builder()
                .connectionProvider(dataSource::getConnection).transactionManager(NoTransactionManager.INSTANCE)
                .eventSerializer(json).snapshotSerializer(json).batchSize(1_000), Duration.ofSeconds(60));
        // the reader looks on its own only after a minute: within the test only wake-ups make it read
        return new CoalescingEventStore(EmbeddedEventStore.builder().storageEngine(events)
                .fetchDelay(60_000).cachedEvents(cachedEvents), wakeDelay);
    }
}
