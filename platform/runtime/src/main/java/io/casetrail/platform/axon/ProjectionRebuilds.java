package io.casetrail.platform.axon;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.MultiEventHandlerInvoker;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.store.Jdbc;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Rebuilds a projection from the service's event store, faster than its processor would replay it.
 *
 * <p>The processor stops and its tokens go back to the start: the projection's
 * {@link org.axonframework.eventhandling.ResetHandler} empties what the events will write again, in the same
 * transaction as the reset. Then two threads replay the store: one reads it in global order through Axon's own
 * storage engine (the same query, the same gap-aware tokens as the processor) and deserialises the events, the other
 * hands them to the projection's handlers in chunks of {@code casetrail.rebuild.chunk-size} events, each chunk one
 * unit of work and one JTA transaction with the processor's token (every segment's) moved to the chunk's last event.
 * Reading, deserialising and writing overlap instead of taking turns, and a chunk's rows go to the database together
 * ({@link io.casetrail.platform.store.RowWriter}), committed without waiting for the disk (a commit lost to a
 * database crash is lost with its token). On PostgreSQL the secondary indexes of the tables the projection alone
 * writes ({@link Projection#tables()}) are dropped for the rebuild and created at its end. When the reader reaches
 * the head of the store, the processor starts again from the last chunk's token and follows new events as before.
 *
 * <p>Nothing is lost or applied twice whatever stops a rebuild: a chunk's changes and its token commit together;
 * after a failure, a shutdown or a crash the processor goes on from the last committed chunk (or, if none
 * committed, replays from the start itself), retrying what failed as it always does; dropped indexes are created
 * again when the rebuild ends however it ends, or at the next start after a crash. The events reach the handlers
 * as they reach them from the processor (tracked messages with their tokens, in order, the whole stream to one
 * segment), but not through the processor's interceptors, and without Axon's replay status: a projection must not
 * use {@code @DisallowReplay} or {@code ReplayStatus} (none does). The tokens a chunk stores are replay tokens while
 * they are short of where the processor was reset from, so a processor going on from a rebuild cut short reports
 * itself replaying until it passes that point, as after a reset of its own.
 */
@ApplicationScoped
public class ProjectionRebuilds {

    private static final Logger LOG = Logger.getLogger(ProjectionRebuilds.class);

    @Inject
    AxonRuntime axon;

    @Inject
    Jdbc jdbc;

    @ConfigProperty(name = "casetrail.rebuild.chunk-size", defaultValue = "2000")
    int chunkSize;

    private final Map<String, Rebuild> running = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    /**
     * Starts rebuilding a projection; answers once its processor has stopped and been reset. Synchronized with the
     * end of every rebuild, which starts the processor again before it lets another rebuild begin.
     */
    public synchronized void start(String group) {
        TrackingEventProcessor processor = axon.processor(group)
                .filter(p -> !AxonRuntime.RELAY_GROUP.equals(group))
                .filter(TrackingEventProcessor.class::isInstance).map(TrackingEventProcessor.class::cast)
                .orElseThrow(() -> new NotFound("this service has no projection " + group));
        Rebuild rebuild = new Rebuild(group, processor);
        // a processor replaying by itself (going on from a rebuild cut short) is no rebuild: it may be rebuilt
        if (running.putIfAbsent(group, rebuild) != null) {
            throw new RuleViolation("already-rebuilding", "projection " + group + " is being rebuilt");
        }
        axon.shutDownNow(processor);
        try {
            processor.resetTokens();
            deferIndexes(group);
        } catch (RuntimeException e) {
            // not reset (a worker still finishing its batch after the shutdown timeout, a token another node
            // claims, a reset handler that failed), or reset with its indexes in place: the processor goes on from
            // its tokens, replaying by itself if they were reset
            running.remove(group);
            processor.start();
            LOG.warnf("Projection %s was not rebuilt (%s); its processor goes on", group, e.toString());
            if (e instanceof IllegalStateException) {
                throw new RuleViolation("still-stopping", "projection " + group + " did not stop in time to be"
                        + " rebuilt; it goes on where it was; try again");
            }
            if (e instanceof UnableToClaimTokenException) {
                throw new RuleViolation("claimed-elsewhere", "another instance of this service is running projection"
                        + " " + group + " (it holds its tokens): rebuild it there, the instance whose /ops/projections"
                        + " shows it runningHere, or with the other instances stopped");
            }
            throw e;
        }
        Thread thread = new Thread(rebuild::run, "rebuild-" + group);
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether a rebuild of the projection is under way. */
    public boolean rebuilding(String group) {
        return running.containsKey(group);
    }

    /** The global index of the last event a rebuild under way has written, if one is under way. */
    public OptionalLong position(String group) {
        Rebuild rebuild = running.get(group);
        return rebuild == null ? OptionalLong.empty() : OptionalLong.of(rebuild.position);
    }

    void onStart(@Observes @Priority(200) StartupEvent event) {
        try {
            restoreDeferredIndexes();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Indexes a rebuild had dropped could not all be created; the next start tries again");
        }
    }

    /** Creates again the indexes a rebuild cut short (by a crash) left dropped; at every start. */
    public void restoreDeferredIndexes() {
        List<String> processors = jdbc.query("SELECT DISTINCT processor FROM casetrail_deferred_index",
                row -> row.getString(1));
        for (String processor : processors) {
            LOG.warnf("A rebuild of %s did not finish; creating the indexes it had dropped", processor);
            restoreIndexes(processor);
        }
    }

    /**
     * Drops the secondary indexes of the tables the projections of {@code group} alone write, noting each with its
     * definition, in one transaction (PostgreSQL only; elsewhere nothing).
     */
    private void deferIndexes(String group) {
        List<String> tables = axon.tablesOf(group);
        if (tables.isEmpty() || !jdbc.postgres()) {
            return;
        }
        axon.transactions().executeInTransaction(() -> {
            for (String table : tables) {
                List<String[]> indexes = jdbc.query("SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
                        + " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
                        + " WHERE t.relname = ? AND t.relnamespace = current_schema()::regnamespace"
                        + " AND NOT x.indisunique AND NOT x.indisprimary"
                        + " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
                        + " ORDER BY i.relname", row -> new String[] {row.getString(1), row.getString(2)}, table);
                for (String[] index : indexes) {
                    jdbc.update("INSERT INTO casetrail_deferred_index (index_name, processor, definition)"
                            + " VALUES (?, ?, ?)", index[0], group, index[1]);
                    jdbc.update("DROP INDEX " + quoted(index[0]));
                }
            }
        });
    }

    /**
     * Creates the indexes a rebuild of {@code group} dropped, each on its own and outside a transaction (an index
     * over millions of rows may take longer than a transaction may last), forgetting each once it exists. One that
     * fails stays noted, for the next start to try again, and fails this call after the others were tried.
     */
    private void restoreIndexes(String group) {
        List<String[]> indexes = jdbc.query("SELECT index_name, definition FROM casetrail_deferred_index"
                + " WHERE processor = ? ORDER BY index_name", row -> new String[] {row.getString(1),
                    row.getString(2)}, group);
        RuntimeException failed = null;
        for (String[] index : indexes) {
            try {
                // pg_get_indexdef gives "CREATE INDEX name ON ..."; an index already there (created by hand) stays
                jdbc.update(index[1].replaceFirst("^CREATE INDEX ", "CREATE INDEX IF NOT EXISTS "));
                jdbc.update("DELETE FROM casetrail_deferred_index WHERE index_name = ?", index[0]);
            } catch (RuntimeException e) {
                LOG.errorf("Index %s of projection %s could not be created: %s", index[0], group, e.getMessage());
                failed = e;
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    private static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    void onStop(@Observes @Priority(5) ShutdownEvent event) {
        stopping = true; // each rebuild stops after its current chunk; its processor goes on from there next time
        for (Rebuild rebuild : List.copyOf(running.values())) {
            rebuild.awaitEnd();
        }
    }

    /** Hands an event to one of a projection's handlers. */
    @FunctionalInterface
    private interface Handler {

        void handle(TrackedEventMessage<?> event) throws Exception;
    }

    /**
     * The processor's handlers, called as the processor would call them with the whole stream in one segment.
     * Where Axon's invoker would only pass an event on, its handlers are called directly: the processor's
     * {@link MultiEventHandlerInvoker} first asks every invoker whether it has a handler, and a
     * {@link SimpleEventHandlerInvoker} works out the event's segment (hashing its aggregate's id) before it calls its
     * handlers one by one, handing a failure to its error handler, which here (a {@link PropagatingErrorHandler})
     * throws it on.
     */
    private static List<Handler> handlersOf(EventHandlerInvoker invoker) {
        List<Handler> handlers = new ArrayList<>();
        for (EventHandlerInvoker each : invoker instanceof MultiEventHandlerInvoker multi ? multi.delegates()
                : List.of(invoker)) {
            if (each instanceof SimpleEventHandlerInvoker simple
                    && simple.getListenerInvocationErrorHandler() instanceof PropagatingErrorHandler) {
                simple.eventHandlers().forEach(handler -> handlers.add(handler::handle));
            } else {
                handlers.add(event -> each.handle(event, Segment.ROOT_SEGMENT));
            }
        }
        return handlers;
    }

    /** One chunk read, or the end of the store, or the reader's failure. */
    private record Chunk(List<TrackedEventMessage<?>> events, Throwable failure) {

        static final Chunk END = new Chunk(List.of(), null);
    }

    private final class Rebuild {

        private final String group;
        private final TrackingEventProcessor processor;
        private final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(4);
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile boolean readerStop;
        private volatile long readerWaitNanos;
        private long handleNanos;
        private long commitNanos;
        volatile long position = -1;

        Rebuild(String group, TrackingEventProcessor processor) {
            this.group = group;
            this.processor = processor;
        }

        void run() {
            long started = System.nanoTime();
            long events = 0;
            Thread reader = new Thread(this::read, "rebuild-" + group + "-reader");
            reader.setDaemon(true);
            try {
                TokenStore tokens = axon.tokenStore(group);
                int[] segments = tokens.fetchSegments(group);
                TrackingToken[] resetPoints = resetPoints(tokens, segments);
                List<Handler> handlers = handlersOf(processor.eventHandlerInvoker());
                LOG.infof("Rebuilding projection %s from the event store", group);
                reader.start();
                long writerWaitNanos = 0;
                while (!stopping) {
                    long waitStarted = System.nanoTime();
                    Chunk chunk = chunks.take();
                    writerWaitNanos += System.nanoTime() - waitStarted;
                    if (chunk.failure() != null) {
                        throw new IllegalStateException("reading the event store failed", chunk.failure());
                    }
                    if (chunk.events().isEmpty()) {
                        break;
                    }
                    apply(chunk.events(), handlers, tokens, segments, resetPoints);
                    events += chunk.events().size();
                }
                for (int segment : segments) {
                    tokens.releaseClaim(group, segment);
                }
                LOG.infof("Projection %s: %d events replayed in %d ms%s (the handlers took %d ms, writing and"
                        + " committing %d ms; the writer waited %d ms for events read, the reader %d ms for room)",
                        group, events, (System.nanoTime() - started) / 1_000_000,
                        stopping ? " before the service stopped" : "", handleNanos / 1_000_000,
                        commitNanos / 1_000_000, writerWaitNanos / 1_000_000, readerWaitNanos / 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.errorf(e, "Rebuild of projection %s stopped after event %d; its processor goes on from there",
                        group, position);
            } finally {
                readerStop = true;
                chunks.clear(); // a reader waiting to put its next chunk sees the stop
                restoreIndexesOf();
                synchronized (ProjectionRebuilds.this) { // the processor runs before another rebuild may start
                    if (!stopping) {
                        processor.start();
                    }
                    running.remove(group);
                }
                ended.countDown();
            }
        }

        private void restoreIndexesOf() {
            long restoring = System.nanoTime();
            try {
                restoreIndexes(group);
                LOG.infof("Projection %s: indexes created in %d ms", group, (System.nanoTime() - restoring) / 1_000_000);
            } catch (RuntimeException e) {
                LOG.errorf(e, "Projection %s: the indexes its rebuild dropped could not be created; the service"
                        + " creates them at its next start", group);
            }
        }

        /**
         * Where each segment was when its tokens were reset (the reset's replay tokens hold it), or null for a
         * segment that had handled nothing.
         */
        private TrackingToken[] resetPoints(TokenStore tokens, int[] segments) {
            TrackingToken[] points = new TrackingToken[segments.length];
            axon.transactions().executeInTransaction(() -> {
                for (int i = 0; i < segments.length; i++) {
                    TrackingToken token = tokens.fetchToken(group, segments[i]);
                    points[i] = token instanceof ReplayToken replay ? replay.getTokenAtReset() : null;
                }
            });
            return points;
        }

        /**
         * One chunk, one transaction: the handlers' writes and every segment's token at the chunk's last event, as a
         * replay token while it is short of where the segment was reset from: a processor that goes on from it (the
         * rebuild cut short by a failure or a crash) replays, and says so, until it passes that point.
         */
        private void apply(List<TrackedEventMessage<?>> events, List<Handler> handlers,
                TokenStore tokens, int[] segments, TrackingToken[] resetPoints) throws Exception {
            TrackingToken last = events.get(events.size() - 1).trackingToken();
            UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
            try {
                unitOfWork.attachTransaction(axon.transactions());
                withoutWaitingForTheDisk();
                long handling = System.nanoTime();
                for (TrackedEventMessage<?> event : events) {
                    for (Handler handler : handlers) {
                        handler.handle(event); // an event it has no handler for: nothing
                    }
                }
                long committing = System.nanoTime();
                handleNanos += committing - handling;
                unitOfWork.onPrepareCommit(u -> {
                    for (int i = 0; i < segments.length; i++) {
                        TrackingToken resetPoint = resetPoints[i];
                        tokens.storeToken(resetPoint == null || last.covers(resetPoint) ? last
                                : ReplayToken.createReplayToken(resetPoint, last), group, segments[i]);
                    }
                });
                unitOfWork.commit();
                commitNanos += System.nanoTime() - committing;
            } catch (Exception e) {
                if (unitOfWork.isActive()) {
                    unitOfWork.rollback(e);
                }
                throw e;
            }
            position = last.position().orElse(position);
        }

        /**
         * On PostgreSQL, the chunk's commit does not wait for its WAL to reach the disk. Safe for a projection: its
         * rows and its token commit together, so a commit lost to a crash of the database is lost whole, and the
         * processor replays those events again.
         */
        private void withoutWaitingForTheDisk() {
            if (jdbc.postgres()) {
                jdbc.update("SET LOCAL synchronous_commit TO OFF");
            }
        }

        /** Reads the whole store in order, events deserialised, into chunks; then the end (or the failure). */
        private void read() {
            try (Stream<? extends TrackedEventMessage<?>> stream = axon.storageEngine().readEvents(null, false)) {
                Iterator<? extends TrackedEventMessage<?>> events = stream.iterator();
                List<TrackedEventMessage<?>> chunk = new ArrayList<>(chunkSize);
                while (events.hasNext() && !readerStop) {
                    TrackedEventMessage<?> event = events.next();
                    event.getPayload(); // deserialised here, not on the thread that writes
                    event.getTimestamp();
                    chunk.add(event);
                    if (chunk.size() == chunkSize) {
                        put(new Chunk(chunk, null));
                        chunk = new ArrayList<>(chunkSize);
                    }
                }
                if (!chunk.isEmpty()) {
                    put(new Chunk(chunk, null));
                }
                put(Chunk.END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                try {
                    put(new Chunk(List.of(), e));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void put(Chunk chunk) throws InterruptedException {
            long waitStarted = System.nanoTime();
            while (!readerStop && !chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                // the writer is behind; wait for room
            }
            readerWaitNanos += System.nanoTime() - waitStarted;
        }

        void awaitEnd() {
            try {
                ended.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
