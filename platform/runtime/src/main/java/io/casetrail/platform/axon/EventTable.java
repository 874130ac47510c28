package io.casetrail.platform.axon;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.jboss.logging.Logger;

/**
 * Axon's JDBC event storage engine (its tables, queries and gap-aware tokens), except that an event read from the
 * table has its timestamp parsed once, by {@link EventTimestamps}. Axon's own entries keep the stored text and parse
 * it with a {@code DateTimeFormatter} each time it is asked for (twice per event read by a processor, once more for
 * the relay's CloudEvent time): the largest single cost of reading an event, in a rebuild more than deserialising its
 * payload.
 */
final class EventTable extends JdbcEventStorageEngine {

    private static final Logger LOG = Logger.getLogger(EventTable.class);

    /**
     * Axon's settings for gaps (an index below the latest read whose transaction has not committed yet), set here
     * because {@link #getTrackedEventData} applies them itself (settings for these three given to the builder are
     * replaced by these). A gap is waited for until an event after it is older than the gap timeout, as long as the
     * JTA transaction timeout ({@code quarkus.transaction-manager.default-transaction-timeout}): no transaction stays
     * open longer. Axon also gives up on a gap once it lies {@code maxGapOffset} indexes below the latest read. Its
     * default, 10,000, is a few seconds of events at full load here: a transaction held up that long (a pause, a lock
     * wait) would commit an event no reader reads. The offset cannot grow without bound either: every gap a token
     * keeps is a parameter of the readers' next query (PostgreSQL takes 32,767) and is copied with the token, and
     * gaps that never fill (the index of a rolled-back append) stay until the gap timeout. 25,000 waits out a
     * minute-long transaction up to about 400 events a second, and eight seconds at the peak the command benchmark
     * reaches; a gap given up while younger than the timeout is logged (WARN), as the sign of an event that may not
     * be read.
     */
    static final long LOWEST_GLOBAL_SEQUENCE = 1;
    static final int MAX_GAP_OFFSET = 25_000;
    static final int GAP_TIMEOUT_MILLIS = 60_000;

    private EventTable(Builder builder) {
        super(builder.lowestGlobalSequence(LOWEST_GLOBAL_SEQUENCE).maxGapOffset(MAX_GAP_OFFSET)
                .gapTimeout(GAP_TIMEOUT_MILLIS));
    }

    /** The engine built from Axon's builder. */
    static EventTable of(Builder builder) {
        return new EventTable(builder);
    }

    @Override
    protected TrackedEventData<?> getTrackedEventData(ResultSet row, GapAwareTrackingToken previous)
            throws SQLException {
        long index = row.getLong(schema().globalIndexColumn());
        StoredEvent event = read(row, true);
        // Gaps before an event are kept only while a transaction that took a lower index may still commit: an event
        // older than the gap timeout leaves none behind it (Axon's rule, which the processor's tokens rely on).
        boolean recent = event.getTimestamp()
                .isAfter(GenericEventMessage.clock.instant().minusMillis(GAP_TIMEOUT_MILLIS));
        GapAwareTrackingToken token;
        if (previous == null) {
            token = GapAwareTrackingToken.newInstance(index, recent
                    ? LongStream.range(Math.min(LOWEST_GLOBAL_SEQUENCE, index), index).boxed()
                            .collect(Collectors.toCollection(TreeSet::new))
                    : Collections.emptySortedSet());
        } else {
            token = previous.advanceTo(index, recent ? MAX_GAP_OFFSET : 0);
            if (recent && !previous.getGaps().isEmpty() && previous.getGaps().first() < index - MAX_GAP_OFFSET) {
                LOG.warnf("Gave up waiting for events %d to %d (%d indexes behind the latest read, %d, within the gap"
                        + " timeout): a transaction that took one of them and commits later is not read by this"
                        + " processor", previous.getGaps().first(), index - MAX_GAP_OFFSET - 1, MAX_GAP_OFFSET,
                        index);
            }
        }
        return new TrackedDomainEventData<>(token, event);
    }

    @Override
    protected DomainEventData<?> getDomainEventData(ResultSet row) throws SQLException {
        return read(row, false);
    }

    private StoredEvent read(ResultSet row, boolean tracked) throws SQLException {
        EventSchema schema = schema();
        String aggregate = row.getString(schema.aggregateIdentifierColumn());
        String id = row.getString(schema.eventIdentifierColumn());
        // an event published outside an aggregate is stored with its own id as the aggregate's
        return new StoredEvent(row.getString(schema.typeColumn()),
                tracked && id.equals(aggregate) ? null : aggregate, row.getLong(schema.sequenceNumberColumn()), id,
                row.getString(schema.timestampColumn()), row.getString(schema.payloadTypeColumn()),
                row.getString(schema.payloadRevisionColumn()), readPayload(row, schema.payloadColumn()),
                readPayload(row, schema.metaDataColumn()));
    }

    /** A stored event whose timestamp is parsed once, when first asked for (as Axon's entry parses it then). */
    static final class StoredEvent extends GenericDomainEventEntry<Object> {

        private final String storedTimestamp;
        private Instant timestamp; // a race between two first readers parses twice, to the same value

        StoredEvent(String type, String aggregateIdentifier, long sequenceNumber, String eventIdentifier,
                String timestamp, String payloadType, String payloadRevision, Object payload, Object metaData) {
            super(type, aggregateIdentifier, sequenceNumber, eventIdentifier, timestamp, payloadType,
                    payloadRevision, payload, metaData);
            this.storedTimestamp = timestamp;
        }

        @Override
        public Instant getTimestamp() {
            Instant parsed = timestamp;
            if (parsed == null) {
                parsed = EventTimestamps.parse(storedTimestamp);
                timestamp = parsed;
            }
            return parsed;
        }
    }
}
