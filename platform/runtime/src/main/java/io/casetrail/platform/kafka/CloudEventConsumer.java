package io.casetrail.platform.kafka;

import java.util.Collection;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.EventCatalog;

/**
 * A projection fed by other services' topics. Implement it as a CDI bean; {@link CloudEventConsumers} runs
 * each in its own consumer group ({@code <service>.<name>}) and calls {@link #apply} inside a JTA
 * transaction that also records the event's {@code ce_id}: an event delivered twice (redelivery after a crash,
 * a relay that re-sent a batch, offsets reset to the beginning) is applied once. The transaction may hold the other
 * records of the same poll too: {@link #apply} writes to the database only, nothing that a rollback would not undo
 * (a rolled-back poll is applied again one record at a time). A failing {@link #apply} rolls
 * back and is retried with back-off; the consumer does not move past an event it could not apply.
 */
public interface CloudEventConsumer {

    /** Stable name: part of the consumer group id and of the dedupe key. Renaming it replays the topics. */
    String name();

    /** The topics to read. */
    Collection<String> topics();

    /** Applies one event to the read model, in the caller's transaction. */
    void apply(CloudEvent event) throws Exception;

    /**
     * Whether the event is applied in a transaction of its own, the records before it committed first and those
     * after it in the next: one whose applying may take locks beyond the consumer's own rows (commands sent to
     * aggregates, whose locks are held until the transaction ends). Held on while the transaction went on to later
     * records, they would be held while those records' rows are asked for: the other way round from the order a
     * request takes the two in (the case's row, then the aggregate), and each would wait for the other. None by
     * default.
     */
    default boolean appliesAlone(CloudEvent event) {
        return false;
    }

    /**
     * Whether this build knows the event type: by default the types of the event catalogue. A type it does not
     * know (a new {@code vN} published by a service upgraded first) stops the consumer there, with a warning that
     * names it, until this service is upgraded too: passed over, its event would be recorded as applied and never
     * applied, whatever replay came later.
     */
    default boolean understands(String type) {
        return EventCatalog.payloadClass(type).isPresent();
    }
}
