package io.casetrail.platform.kafka;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.serialization.Serializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventCatalog;
import io.casetrail.platform.logging.RequestId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Publishes every event of the service's event store to the service's Kafka topic, as a CloudEvent in binary
 * mode keyed by aggregate id. The event store is the outbox: the relay is an Axon streaming processor, so its
 * position is a token in the same database, and that token only advances once the broker has acknowledged the
 * batch (acks=all, idempotent producer): its processor's token store is {@link #tokenStore}, which stores a batch's
 * token once the batch is acknowledged, in the next batch's transaction, so the broker acknowledges one batch while
 * the relay sends the next. If a record is not acknowledged, the relay starts again from the stored token. A crash
 * can therefore repeat a batch or two but never lose an event; consumers drop repeats by {@code ce_id}.
 */
@Singleton
@ProcessingGroup(KafkaRelay.PROCESSING_GROUP)
public class KafkaRelay implements EventMessageHandler, AcknowledgedTokens.Sends {

    public static final String PROCESSING_GROUP = "kafka-relay";
    private static final String SENDS = KafkaRelay.class.getName() + ".sends";
    private static final String PRODUCER = KafkaRelay.class.getName() + ".producer";
    private static final Logger LOG = Logger.getLogger(KafkaRelay.class);

    private final KafkaSettings settings;
    private final TopicProvisioner topics;
    private final String topic;
    private final String source;
    private final Counter published;
    private volatile Serializer serializer;
    private Open producer;
    /** Per relay thread (one per segment): the producer its last batch went out on. */
    private final ThreadLocal<Open> previousBatch = new ThreadLocal<>();

    @Inject
    public KafkaRelay(KafkaSettings settings, TopicProvisioner topics, MeterRegistry metrics,
                      @ConfigProperty(name = "casetrail.relay.topic") String topic) {
        this.settings = settings;
        this.topics = topics;
        this.topic = topic;
        this.source = "/casetrail/" + settings.applicationName();
        this.published = Counter.builder("casetrail.relay.published").baseUnit("events")
                .description("events acknowledged by Kafka").tag("topic", topic).register(metrics);
    }

    /** Gives the relay the event serializer, so that stored JSON is published as is. */
    public void bind(Serializer eventSerializer) {
        this.serializer = eventSerializer;
    }

    public String topic() {
        return topic;
    }

    /**
     * The relay is its processor's event handler itself rather than an annotated one: Axon looks an annotated
     * handler up for every event three times (the processor, its invoker, the adapter), each matching the handler's
     * parameters, for a relay with one handler that takes every event of an aggregate.
     */
    @Override
    public boolean canHandle(EventMessage<?> event) {
        return event instanceof DomainEventMessage<?>;
    }

    @Override
    public Object handle(EventMessage<?> event) {
        if (event instanceof DomainEventMessage<?> domainEvent) {
            publish(domainEvent);
        }
        return null;
    }

    /** The relay is never replayed: re-publishing would only give consumers duplicates to drop. */
    @Override
    public boolean supportsReset() {
        return false;
    }

    /**
     * Publishes one event. The payload is not deserialized: its type comes from the stored payload type, the bytes
     * are the stored JSON, and the three envelope attributes the relay needs from it are read from those bytes.
     */
    void publish(DomainEventMessage<?> event) {
        Class<?> type = event.getPayloadType();
        if (!DomainEvent.class.isAssignableFrom(type)) {
            throw new IllegalStateException(type.getName() + " does not implement DomainEvent");
        }
        byte[] data = event.serializePayload(serializer, byte[].class).getData();
        Envelope envelope = Envelope.of(data);
        // the stored metadata too stays as stored: the correlation id is read from its bytes
        String correlation = Envelope.correlation(event.serializeMetaData(serializer, byte[].class).getData());
        CloudEvent cloudEvent = new CloudEvent(event.getIdentifier(), source, EventCatalog.typeOf(type),
                event.getTimestamp(), event.getAggregateIdentifier(), envelope.orgId, envelope.caseNumber,
                envelope.actorId, event.getSequenceNumber(), correlation, data);
        UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
        List<Future<RecordMetadata>> sends = batch.getOrComputeResource(SENDS, k -> new ArrayList<>());
        // one producer for the whole batch: once it is abandoned, the rest of the batch fails with it rather than
        // going out through a new one ahead of what failed
        Open open = batch.getOrComputeResource(PRODUCER, k -> producerAfter(previousBatch.get()));
        sends.add(open.producer().send(CloudEventRecords.toRecord(topic, cloudEvent), (metadata, failure) -> {
            if (failure == null) {
                published.increment();
            } else {
                open.abandon();
            }
        }));
    }

    /**
     * The relay's producer, abandoned at the first send that fails. A record that was never sent (the broker out of
     * reach until its delivery timeout) holds no sequence number, so the idempotent producer would go on to deliver
     * the records sent after it once the broker is back: the relay, sending everything again from the failed one,
     * would put a later event of an aggregate on its partition before an earlier one. So the first failure closes
     * the producer at once, on its own thread, before it sends anything else; the records behind the failed one fail
     * with it, and the relay sends them all again, in order, from a new producer.
     */
    private record Open(Producer<String, byte[]> producer, AtomicBoolean failed) {

        void abandon() {
            if (failed.compareAndSet(false, true)) {
                producer.close(java.time.Duration.ZERO); // on the producer's thread: fails what it still holds
            }
        }
    }

    /**
     * The attributes of {@link DomainEvent} that go into the CloudEvent headers, read from an event's JSON (the
     * record components {@code orgId}, {@code caseNumber} and {@code actor.id}; {@code caseNumber} is absent from
     * events that belong to no case). They are read from the bytes by {@link JsonObjectFields}; whatever it leaves
     * (an escaped or non-ASCII value, a value of another type, malformed JSON) is parsed by Jackson, which gives the
     * same values or the error.
     */
    static final class Envelope {

        private static final JsonFactory JSON = new JsonFactory();
        private static final byte[] ORG_ID = JsonObjectFields.name("orgId");
        private static final byte[] CASE_NUMBER = JsonObjectFields.name("caseNumber");
        private static final byte[] ACTOR = JsonObjectFields.name("actor");
        private static final byte[] ID = JsonObjectFields.name("id");
        private static final byte[] REQUEST_ID = JsonObjectFields.name(RequestId.METADATA_KEY);
        private static final byte[] CORRELATION_ID = JsonObjectFields.name("correlationId");

        String orgId;
        String caseNumber;
        String actorId;

        static Envelope of(byte[] json) {
            Envelope envelope = walked(json);
            return envelope != null ? envelope : parsed(json);
        }

        /** The envelope as read from the bytes, or null where the walk leaves the payload to the parser. */
        static Envelope walked(byte[] json) {
            Envelope envelope = new Envelope();
            return JsonObjectFields.walk(json, 0, json.length, envelope::take) ? envelope : null;
        }

        /** The envelope as Jackson's parser reads it. */
        static Envelope parsed(byte[] json) {
            Envelope parsed = new Envelope();
            eachTopLevelField(json, "an event payload", (field, parser, value) -> {
                switch (field) {
                    case "orgId" -> parsed.orgId = text(parser, value);
                    case "caseNumber" -> parsed.caseNumber = text(parser, value);
                    case "actor" -> parsed.actorId = actorId(parser, value);
                    default -> parser.skipChildren();
                }
            });
            return parsed;
        }

        /** One field of the payload, taken from its bytes; false for a value the walk leaves to the parser. */
        private boolean take(byte[] json, int keyStart, int keyEnd, int valueStart, int valueEnd) {
            if (JsonObjectFields.keyIs(json, keyStart, keyEnd, ORG_ID)) {
                orgId = JsonObjectFields.plainString(json, valueStart, valueEnd);
                return orgId != JsonObjectFields.NOT_PLAIN;
            }
            if (JsonObjectFields.keyIs(json, keyStart, keyEnd, CASE_NUMBER)) {
                caseNumber = JsonObjectFields.plainString(json, valueStart, valueEnd);
                return caseNumber != JsonObjectFields.NOT_PLAIN;
            }
            if (JsonObjectFields.keyIs(json, keyStart, keyEnd, ACTOR)) {
                actorId = null;
                if (json[valueStart] != '{') {
                    return json[valueStart] == 'n'; // null; any other kind of actor goes to the parser
                }
                return JsonObjectFields.walk(json, valueStart, valueEnd, (j, ks, ke, vs, ve) -> {
                    if (JsonObjectFields.keyIs(j, ks, ke, ID)) {
                        actorId = JsonObjectFields.plainString(j, vs, ve);
                        return actorId != JsonObjectFields.NOT_PLAIN;
                    }
                    return true;
                });
            }
            return true;
        }

        /**
         * The event's correlation id, from its stored metadata (a JSON object): the id of the API request that
         * caused it ({@value RequestId#METADATA_KEY}, see RequestId), else Axon's {@code correlationId} (the id of
         * the command), else null.
         */
        static String correlation(byte[] metadata) {
            String[] ids = new String[2]; // request, correlation
            boolean walked = JsonObjectFields.walk(metadata, 0, metadata.length, (json, ks, ke, vs, ve) -> {
                int slot = JsonObjectFields.keyIs(json, ks, ke, REQUEST_ID) ? 0
                        : JsonObjectFields.keyIs(json, ks, ke, CORRELATION_ID) ? 1 : -1;
                if (slot >= 0) {
                    ids[slot] = JsonObjectFields.plainString(json, vs, ve);
                    return ids[slot] != JsonObjectFields.NOT_PLAIN;
                }
                return true;
            });
            return walked ? (ids[0] != null ? ids[0] : ids[1]) : parsedCorrelation(metadata);
        }

        /** The correlation id as Jackson's parser reads it. */
        static String parsedCorrelation(byte[] metadata) {
            String[] ids = new String[2]; // request, correlation
            eachTopLevelField(metadata, "an event's metadata", (field, parser, value) -> {
                switch (field) {
                    case RequestId.METADATA_KEY -> ids[0] = text(parser, value);
                    case "correlationId" -> ids[1] = text(parser, value);
                    default -> parser.skipChildren();
                }
            });
            return ids[0] != null ? ids[0] : ids[1];
        }

        /** What to do with one top-level field; the parser stands on its value, which the handler consumes. */
        private interface FieldHandler {
            void handle(String field, JsonParser parser, JsonToken value) throws IOException;
        }

        /** Hands each top-level field of a JSON object to {@code handler}; {@code what} names it in errors. */
        private static void eachTopLevelField(byte[] json, String what, FieldHandler handler) {
            try (JsonParser parser = JSON.createParser(json)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw new IllegalStateException(what + " is not a JSON object");
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    handler.handle(field, parser, parser.nextToken());
                }
            } catch (IOException e) {
                throw new IllegalStateException(what + " is not valid JSON", e);
            }
        }

        private static String actorId(JsonParser parser, JsonToken value) throws IOException {
            if (value != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return null;
            }
            String id = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                if (field.equals("id")) {
                    id = text(parser, token);
                } else {
                    parser.skipChildren();
                }
            }
            return id;
        }

        private static String text(JsonParser parser, JsonToken value) throws IOException {
            if (value == JsonToken.VALUE_NULL) {
                return null;
            }
            if (value.isStructStart()) {
                parser.skipChildren();
                return null;
            }
            return parser.getText();
        }
    }

    /**
     * The token store of the relay's processor: {@code store}, with each batch's token stored once Kafka has
     * acknowledged the batch (see {@link AcknowledgedTokens}). The relay relies on it: without it a token would move
     * past records still on their way.
     */
    public TokenStore tokenStore(TokenStore store) {
        return new AcknowledgedTokens(store, this);
    }

    @Override
    public List<? extends Future<?>> of(UnitOfWork<?> batch) {
        List<Future<RecordMetadata>> sends = batch.root().getResource(SENDS);
        return sends == null ? List.of() : sends;
    }

    @Override
    public void await(List<? extends Future<?>> sends) {
        try {
            for (Future<?> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw relayFailed(e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw relayFailed(e);
        }
    }

    private RuntimeException relayFailed(Exception cause) {
        LOG.warnf("Kafka did not acknowledge a relay batch; it will be sent again: %s", cause.toString());
        closeProducer(); // a fresh idempotent producer after a failed batch, so the retry starts clean
        return new IllegalStateException("relay batch not acknowledged", cause);
    }

    /**
     * The producer for a relay thread's next batch. The batch before it may still be on its way: if the producer
     * it went out on has been abandoned since (by a failure of its own, or of another segment's batch on the same
     * producer), its records failed, and this batch, sent through a new producer, would reach Kafka ahead of them.
     * So this batch fails at once instead: the processor sets the segment back to its stored token, before the
     * failed batch, and sends both again in order.
     */
    private Open producerAfter(Open previous) {
        // the producer first: one that fails after this is the batch's own, and what the batch sends fails with it
        Open open = producer();
        if (previous != null && previous != open && previous.failed().get()) {
            previousBatch.remove();
            throw new IllegalStateException("the relay batch before this one went out on a producer that failed;"
                    + " both are sent again, in order");
        }
        previousBatch.set(open);
        return open;
    }

    /** The producer; a new one when the last was abandoned (its batch fails, and the relay sends it again). */
    private synchronized Open producer() {
        if (producer != null && producer.failed().get()) {
            closeProducer();
        }
        if (producer == null) {
            topics.ensure(List.of(topic));
            producer = new Open(new KafkaProducer<>(settings.producer()), new AtomicBoolean());
        }
        return producer;
    }

    @PreDestroy
    synchronized void closeProducer() {
        if (producer != null) {
            try {
                producer.producer().close(java.time.Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("closing the relay producer", e);
            }
            producer = null;
        }
    }
}
