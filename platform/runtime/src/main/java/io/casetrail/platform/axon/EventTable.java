package io.casetrail.platform.axon;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.JdbcEventStorageEngineStatements;
import org.axonframework.serialization.Serializer;

import io.casetrail.platform.errors.PayloadTooLarge;

/**
 * Axon's JDBC event storage engine (its tables, queries and gap-aware tokens), except that an event read from the
 * table has its timestamp parsed once, by {@link EventTimestamps}. Axon's own entries keep the stored text and parse
 * it with a {@code DateTimeFormatter} each time it is asked for (twice per event read by a processor, once more for
 * the relay's CloudEvent time): the largest single cost of reading an event, in a rebuild more than deserialising its
 * payload.
 */
final class EventTable extends JdbcEventStorageEngine {

    /**
     * Axon's settings for gaps (an index below the latest read whose transaction has not committed yet), set here
     * because {@link #getTrackedEventData} applies them itself (settings for these given to the builder are replaced
     * by these). A gap is waited for until an event after it is older than the gap timeout: three times the JTA
     * transaction timeout ({@code quarkus.transaction-manager.default-transaction-timeout}). The event's time is when
     * its command applied it, up to a transaction's length before it took its index; the transaction that took the
     * gap's index ends at most a transaction's length after taking it, and its commit may take a moment more: twice
     * the timeout is the bound, the third its margin. Nothing else gives a gap up: Axon also drops one lying
     * {@code maxGapOffset} indexes below the latest read (10,000 by default, seconds of events at full load here, a
     * transaction held up by a pause or a lock wait would commit an event no reader reads), so that offset is set
     * beyond reach. Gaps that never fill (the index of a rolled-back append, a retried conflict's) go once a token
     * reads an event older than the timeout, or keeps more than 250 of them: Axon then gives up those behind events
     * older than the timeout ({@link #eventsAfterOldestGap}). Every gap a token keeps is one value of the readers'
     * next query, which passes them as one array ({@link #readWithGaps}), not one parameter each, of which
     * PostgreSQL's driver takes 65,535.
     */
    static final long LOWEST_GLOBAL_SEQUENCE = 1;
    static final int MAX_GAP_OFFSET = Integer.MAX_VALUE;
    static final int GAP_TIMEOUTS_PER_TRANSACTION_TIMEOUT = 3;
    static final int CLEAN_GAPS_ROWS = 10_000;

    /**
     * The most bytes one event's payload and metadata take together. The relay sends an event as one Kafka record:
     * those bytes, its key and its headers (a few hundred bytes more); a record over the producer's and the
     * broker's limit (1 MiB by default: {@code max.request.size}, {@code message.max.bytes}) would be refused at
     * every attempt, and the relay, which keeps each aggregate's order, would publish neither it nor any event after
     * it. Such an event is never stored ({@link #appendEvents(List, Serializer)}).
     */
    static final int MAX_EVENT_BYTES = 900 * 1024;

    private final long gapTimeoutMillis;

    private EventTable(Builder builder, long gapTimeoutMillis) {
        super(builder.lowestGlobalSequence(LOWEST_GLOBAL_SEQUENCE).maxGapOffset(MAX_GAP_OFFSET)
                .gapTimeout((int) gapTimeoutMillis).readEventDataWithGaps(EventTable::readWithGaps)
                .cleanGaps(EventTable::eventsAfterOldestGap));
        this.gapTimeoutMillis = gapTimeoutMillis;
    }

    /** The engine built from Axon's builder, for transactions that last at most {@code transactionTimeout}. */
    static EventTable of(Builder builder, Duration transactionTimeout) {
        return new EventTable(builder, Math.min(Integer.MAX_VALUE,
                transactionTimeout.toMillis() * GAP_TIMEOUTS_PER_TRANSACTION_TIMEOUT));
    }

    /**
     * Axon's query of what follows a token's oldest gap, which it reads (once the token keeps more than 250 gaps) to
     * give up the gaps behind events older than the gap timeout, stopping at the first recent event or filled gap:
     * here in index order and at most {@value #CLEAN_GAPS_ROWS} rows at a time, so that gaps kept for long (nothing
     * but time gives one up) never make it read, and hold in memory, all the events since.
     */
    static PreparedStatement eventsAfterOldestGap(Connection connection, EventSchema schema, SortedSet<Long> gaps)
            throws SQLException {
        String column = schema.globalIndexColumn();
        PreparedStatement statement = connection.prepareStatement("SELECT " + column + ", "
                + schema.timestampColumn() + " FROM " + schema.domainEventTable() + " WHERE " + column + " >= ? AND "
                + column + " <= ? ORDER BY " + column + " ASC LIMIT " + CLEAN_GAPS_ROWS);
        statement.setLong(1, gaps.first());
        statement.setLong(2, gaps.last() + 1);
        return statement;
    }

    /**
     * Axon's query of the events after a token and in its gaps, on PostgreSQL with the gaps as one array parameter:
     * Axon's own binds each gap as a parameter of an {@code IN} list, and fails past the driver's limit on
     * parameters. H2 takes Axon's (it takes 100,000 parameters, and arrays of at most 65,536 values).
     */
    static PreparedStatement readWithGaps(Connection connection, EventSchema schema, long index, int batchSize,
                                          List<Long> gaps) throws SQLException {
        if (!connection.getMetaData().getDatabaseProductName().startsWith("PostgreSQL")) {
            return JdbcEventStorageEngineStatements.readEventDataWithGaps(connection, schema, index, batchSize, gaps);
        }
        String column = schema.globalIndexColumn();
        PreparedStatement statement = connection.prepareStatement("SELECT " + schema.trackedEventFields() + " FROM "
                + schema.domainEventTable() + " WHERE (" + column + " > ? AND " + column + " <= ?)"
                + (gaps.isEmpty() ? "" : " OR " + column + " = ANY (?)") + " ORDER BY " + column + " ASC");
        statement.setLong(1, index);
        statement.setLong(2, index + batchSize);
        if (!gaps.isEmpty()) {
            statement.setArray(3, connection.createArrayOf("BIGINT", gaps.toArray()));
        }
        return statement;
    }

    /**
     * Refuses, before anything is stored, an event whose payload and metadata together take more than
     * {@link #MAX_EVENT_BYTES}: the command that applied it fails ({@code 413}) and records nothing. The bytes are
     * serialized once: Axon's append takes them from the message, which keeps them.
     */
    @Override
    protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
        for (EventMessage<?> event : events) {
            long size = (long) event.serializePayload(serializer, byte[].class).getData().length
                    + event.serializeMetaData(serializer, byte[].class).getData().length;
            if (size > MAX_EVENT_BYTES) {
                throw new PayloadTooLarge("what this request would record is too large: an event of " + size
                        + " bytes (" + event.getPayloadType().getSimpleName() + "), where one may take at most "
                        + MAX_EVENT_BYTES + "; send less text");
            }
        }
        super.appendEvents(events, serializer);
    }

    @Override
    protected TrackedEventData<?> getTrackedEventData(ResultSet row, GapAwareTrackingToken previous)
            throws SQLException {
        long index = row.getLong(schema().globalIndexColumn());
        StoredEvent event = read(row, true);
        // Gaps before an event are kept only while a transaction that took a lower index may still commit: an event
        // older than the gap timeout leaves none behind it (Axon's rule, which the processor's tokens rely on).
        boolean recent = event.getTimestamp()
                .isAfter(GenericEventMessage.clock.instant().minusMillis(gapTimeoutMillis));
        GapAwareTrackingToken token;
        if (previous == null) {
            token = GapAwareTrackingToken.newInstance(index, recent
                    ? LongStream.range(Math.min(LOWEST_GLOBAL_SEQUENCE, index), index).boxed()
                            .collect(Collectors.toCollection(TreeSet::new))
                    : Collections.emptySortedSet());
        } else {
            token = previous.advanceTo(index, recent ? MAX_GAP_OFFSET : 0);
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
