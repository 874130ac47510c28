package io.casetrail.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * AcknowledgedTokens under Axon's own tracking processor, as the relay runs (a transaction manager, so the processor
 * stores each batch's token as the batch begins; batches of three; failures propagated and retried): sends of one
 * event fail the first time. Every token the processor stores is checked as it is stored: it never passes an event
 * whose last send was not acknowledged. In the end every event was sent in order, the failed one and those after it
 * again, and the stored token is the last event's, stored while the processor is idle.
 */
class AcknowledgedTokensProcessorTest {

    private static final String RELAY = "relay";
    private static final String SENDS = "sends";

    /** Events (by position) whose latest send Kafka acknowledged. */
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<Long> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final Set<Long> failOnce = ConcurrentHashMap.newKeySet();
    private TrackingEventProcessor processor;
    private EmbeddedEventStore events;

    /** The store under AcknowledgedTokens, which checks each token it is given against the acknowledgements. */
    private final InMemoryTokenStore store = new InMemoryTokenStore() {
        @Override
        public void storeToken(TrackingToken token, String processorName, int segment) {
            long position = token == null ? -1 : token.position().orElse(-1);
            for (long p = 0; p <= position; p++) {
                if (!acknowledged.contains(p)) {
                    violations.add("token " + position + " stored before event " + p + " was acknowledged");
                }
            }
            super.storeToken(token, processorName, segment);
        }
    };

    @AfterEach
    void stop() {
        if (processor != null) {
            processor.shutDown();
        }
        if (events != null) {
            events.shutDown();
        }
    }

    @Test
    void aTokenNeverPassesAnUnacknowledgedEventAndAFailedSendIsSentAgainInOrder() throws Exception {
        events = EmbeddedEventStore.builder().storageEngine(new InMemoryEventStorageEngine()).build();
        failOnce.add(4L); // the fifth event: in the second batch of three
        EventMessageHandler relay = new EventMessageHandler() {
            @Override
            public Object handle(EventMessage<?> event) {
                long position = (Integer) event.getPayload();
                sent.add(position);
                CompletableFuture<Object> send = new CompletableFuture<>();
                if (failOnce.remove(position)) {
                    send.completeExceptionally(new IllegalStateException("not acknowledged"));
                } else {
                    acknowledged.add(position);
                    send.complete(null);
                }
                List<Future<?>> sends = CurrentUnitOfWork.get().root()
                        .getOrComputeResource(SENDS, k -> new ArrayList<>());
                sends.add(send);
                return null;
            }
        };
        TransactionManager transactions = () -> new Transaction() {
            @Override
            public void commit() {
            }

            @Override
            public void rollback() {
            }
        };
        processor = TrackingEventProcessor.builder()
                .name(RELAY)
                .eventHandlerInvoker(SimpleEventHandlerInvoker.builder().eventHandlers(relay)
                        .listenerInvocationErrorHandler(PropagatingErrorHandler.instance()).build())
                .errorHandler(PropagatingErrorHandler.instance())
                .messageSource(events)
                .tokenStore(new AcknowledgedTokens(store, new AcknowledgedTokens.Sends() {
                    @Override
                    public List<? extends Future<?>> of(UnitOfWork<?> batch) {
                        List<Future<?>> sends = batch.root().getResource(SENDS);
                        return sends == null ? List.of() : sends;
                    }

                    @Override
                    public void await(List<? extends Future<?>> sends) {
                        for (Future<?> send : sends) {
                            try {
                                send.get();
                            } catch (InterruptedException | ExecutionException e) {
                                throw new IllegalStateException("not acknowledged", e);
                            }
                        }
                    }
                }))
                .transactionManager(transactions)
                .trackingEventProcessorConfiguration(TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                        .andBatchSize(3).andEventAvailabilityTimeout(100, TimeUnit.MILLISECONDS))
                .build();
        // stored before the processor starts: the in-memory engine puts a list into its map in hash order (event 0
        // last), so a processor reading meanwhile can start after event 1 and never see event 0 (the JDBC engine's
        // gap-aware tokens are there for that)
        events.publish(IntStream.range(0, 10).mapToObj(GenericEventMessage::asEventMessage).toList());
        processor.start();

        // the last event's token is stored once the processor is idle (its claim extension)
        waitUntil(() -> stored() == 9);
        assertThat(violations).isEmpty();
        // batches [0 1 2] [3 4 5] [6 7 8]: the third cannot commit, the second was not acknowledged; the processor
        // starts again from the stored token (of 2) and sends the second and third batches again, then [9]
        assertThat(sent).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    /** The stored token's position; -1 before the processor has initialized its token (it does so as it starts). */
    private long stored() {
        if (store.fetchSegments(RELAY).length == 0) {
            return -1;
        }
        TrackingToken token = store.fetchToken(RELAY, 0);
        return token == null ? -1 : token.position().orElse(-1);
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached in 20 s");
            }
            Thread.sleep(20);
        }
    }
}
