package io.casetrail.platform.axon;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandBusSpanFactory;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.common.AxonThreadFactory;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.Configuration;
import org.axonframework.config.Configurer;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jpa.SQLStateResolver;
import org.axonframework.lifecycle.Phase;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.interceptors.CorrelationDataInterceptor;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.axonframework.serialization.Serializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.casetrail.events.EventJson;
import io.casetrail.platform.deadline.JdbcDeadlineManager;
import io.casetrail.platform.kafka.KafkaRelay;
import io.casetrail.platform.logging.RequestId;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Axon Framework 4 wired into Quarkus by hand (no Spring, no Axon Server): a JDBC event store and token store on
 * the service's datasource, JTA transactions, Jackson, persisted deadlines, one tracking processor per
 * projection and one for the Kafka relay. Failures in a handler roll the batch back (read model and token
 * together) and retry; nothing is skipped.
 *
 * <p>Axon's own clock ({@link GenericEventMessage#clock}, which stamps events) is set to the service's
 * {@link Clock} bean, so event timestamps, deadlines and the domain's notion of "now" agree.
 */
@ApplicationScoped
public class AxonRuntime {

    /** Processing group of the Kafka relay. */
    public static final String RELAY_GROUP = KafkaRelay.PROCESSING_GROUP;

    private static final Logger LOG = Logger.getLogger(AxonRuntime.class);

    @Inject
    DataSource dataSource;

    @Inject
    jakarta.transaction.TransactionManager jta;

    @Inject
    jakarta.transaction.TransactionSynchronizationRegistry synchronizations;

    @Inject
    Clock clock;

    @Inject
    @Any
    Instance<AxonModule> modules;

    @Inject
    @Any
    Instance<Projection> projections;

    @Inject
    JdbcDeadlineManager deadlineManager;

    @Inject
    MeterRegistry meters;

    @Inject
    KafkaRelay relay;

    @ConfigProperty(name = "casetrail.axon.batch-size", defaultValue = "1000")
    int batchSize;

    /**
     * Events per query when a processor (or the relay, or a rebuild) reads the store: each query is a round trip and
     * a transaction the reader waits for, so a reader behind the head fetches in large steps.
     */
    @ConfigProperty(name = "casetrail.axon.fetch-size", defaultValue = "5000")
    int fetchSize;

    @ConfigProperty(name = "casetrail.axon.segments", defaultValue = "1")
    int segments;

    @ConfigProperty(name = "casetrail.axon.token-claim-interval", defaultValue = "PT1S")
    Duration tokenClaimInterval;

    @ConfigProperty(name = "casetrail.relay.enabled", defaultValue = "true")
    boolean relayEnabled;

    @ConfigProperty(name = "casetrail.relay.batch-size", defaultValue = "2000")
    int relayBatchSize;

    @ConfigProperty(name = "casetrail.axon.fetch-delay", defaultValue = "PT0.05S")
    Duration fetchDelay;

    /**
     * The readers of the event store (projections, relay) are woken at most this often by commits, so that one batch
     * of each takes the events of every commit in between ({@link CoalescingEventStore}); zero wakes them at every
     * commit.
     */
    @ConfigProperty(name = "casetrail.axon.wake-delay", defaultValue = "PT0.02S")
    Duration wakeDelay;

    /**
     * The newest events the event store keeps in memory for its readers (projections, relay), which read them from
     * there rather than each from the database; a reader further behind reads the database on its own until it has
     * caught up. Axon keeps 10,000: under load they outlive the young generation and fill the old one with garbage
     * (architecture.md, "The event store keeps its newest 1,000 events").
     */
    @ConfigProperty(name = "casetrail.axon.cached-events", defaultValue = "1000")
    int cachedEvents;

    /**
     * Commands sent outside a transaction are committed in groups ({@link GroupCommitCommandBus}) of at most this
     * many; 1 (the default) commits each alone, as Axon's own command bus does. Only for a service whose command
     * handlers write nothing but events and deadlines: a failed command in a group rolls back its unit of work,
     * not what it wrote to the database itself (case-service turns it on).
     */
    @ConfigProperty(name = "casetrail.axon.group-commit.max-commands", defaultValue = "1")
    int groupCommitMax;

    /**
     * With group commit, how many groups may commit at once, each on a thread and in a transaction of its own; an
     * aggregate's commands always go to the same one ({@link GroupCommitCommandBus}).
     */
    @ConfigProperty(name = "casetrail.axon.group-commit.lanes", defaultValue = "1")
    int groupCommitLanes;

    @ConfigProperty(name = "casetrail.axon.snapshot-threshold", defaultValue = "50")
    int snapshotThreshold;

    /** How long a command waits for an aggregate another transaction holds before it fails (409). */
    @ConfigProperty(name = "casetrail.axon.lock-wait", defaultValue = "PT20S")
    Duration lockWait;

    /** The longest a transaction stays open: how long a reader waits for an event whose index it went past. */
    @ConfigProperty(name = "quarkus.transaction-manager.default-transaction-timeout", defaultValue = "PT60S")
    Duration transactionTimeout;

    /** The aggregates' locks, each held until the transaction that took it completes. */
    private TransactionBoundLocks locks;

    private final Map<String, Set<Thread>> processorThreads = new ConcurrentHashMap<>();
    private volatile Configuration configuration;
    private volatile EventStorageEngine storageEngine;
    private volatile TransactionManager transactions;
    private final List<String> processingGroups = new ArrayList<>();

    void onStart(@Observes @Priority(100) StartupEvent event) {
        configuration();
    }

    void onStop(@Observes @Priority(10) ShutdownEvent event) {
        Configuration c = configuration;
        if (c != null) {
            LOG.info("Shutting down Axon (processors release their token claims)");
            c.shutdown();
            configuration = null;
        }
    }

    /** The started Axon configuration. */
    public synchronized Configuration configuration() {
        if (configuration == null) {
            long start = System.nanoTime();
            Configuration built = build();
            relay.bind(built.eventSerializer());
            // a command sent while answering an API request carries the request's id, and so do its events
            built.commandBus().registerDispatchInterceptor(RequestId.onCommands());
            built.start();
            configuration = built;
            LOG.infof("Axon started in %d ms; processors %s", (System.nanoTime() - start) / 1_000_000,
                    processingGroups);
        }
        return configuration;
    }

    /**
     * An aggregate registration with snapshots every {@code casetrail.axon.snapshot-threshold} events, locked until
     * each command's transaction completes ({@link TransactionBoundLocks}).
     */
    public <A> AggregateConfigurer<A> eventSourced(Class<A> aggregateType) {
        return AggregateConfigurer.defaultConfiguration(aggregateType)
                .configureLockFactory(c -> locks)
                .configureSnapshotTrigger(c -> new EventCountSnapshotTriggerDefinition(c.snapshotter(),
                        snapshotThreshold));
    }

    /** The streaming processor of a processing group, if the service has one. */
    public Optional<StreamingEventProcessor> processor(String processingGroup) {
        return configuration().eventProcessingConfiguration()
                .eventProcessor(processingGroup, StreamingEventProcessor.class);
    }

    /**
     * Stops a processor without waiting out its idle wait: a worker that has caught up waits up to a second
     * ({@code eventAvailabilityTimeout}) for new events before it sees the shutdown, so those waiting are woken (a
     * worker interrupted elsewhere, in a batch, rolls it back, which a stopping processor may do). Returns once the
     * processor's threads have ended.
     */
    public void shutDownNow(TrackingEventProcessor processor) {
        CompletableFuture<Void> stopped = processor.shutdownAsync(); // the shutdown state is set when this returns
        Set<Thread> threads = processorThreads.getOrDefault(processor.getName(), Set.of());
        threads.removeIf(thread -> !thread.isAlive());
        for (Thread thread : threads) {
            Thread.State state = thread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                thread.interrupt();
            }
        }
        stopped.join();
    }

    /** The threads of a processor are its own (Axon's names), and known here for {@link #shutDownNow}. */
    private ThreadFactory threadsOf(String processor) {
        AxonThreadFactory axonThreads = new AxonThreadFactory("EventProcessor[" + processor + "]");
        Set<Thread> threads = processorThreads.computeIfAbsent(processor, k -> ConcurrentHashMap.newKeySet());
        return runnable -> {
            Thread thread = axonThreads.newThread(runnable);
            threads.add(thread);
            return thread;
        };
    }

    /** The tables the projections of a processing group alone write ({@link Projection#tables()}). */
    public List<String> tablesOf(String processingGroup) {
        List<String> tables = new ArrayList<>();
        for (Projection projection : projections) {
            if (groupOf(ClientProxy.unwrap(projection)).equals(processingGroup)) {
                tables.addAll(projection.tables());
            }
        }
        return tables;
    }

    /** The names of all processing groups (projections and the relay). */
    public List<String> processingGroups() {
        configuration();
        return List.copyOf(processingGroups);
    }

    @Produces
    @ApplicationScoped
    CommandGateway commandGateway() {
        return configuration().commandGateway();
    }

    @Produces
    @ApplicationScoped
    EventStore eventStore() {
        return configuration().eventStore();
    }

    /** The event store's storage engine (the JDBC tables), for reading the store outside a processor. */
    public EventStorageEngine storageEngine() {
        configuration();
        return storageEngine;
    }

    /** Axon's view of the JTA transaction manager. */
    public TransactionManager transactions() {
        configuration();
        return transactions;
    }

    /** The token store of a processing group. */
    public TokenStore tokenStore(String processingGroup) {
        return configuration().eventProcessingConfiguration().tokenStore(processingGroup);
    }

    /** The serializer of events and snapshots (Jackson, published-language settings). */
    public Serializer serializer() {
        return configuration().eventSerializer();
    }

    private Configuration build() {
        // Quarkus' JTA-aware pool enlists each connection in the current transaction; Axon closes it after use
        // and Agroal keeps the physical connection bound to the transaction until it ends.
        ConnectionProvider connections = dataSource::getConnection;
        TransactionManager transactions = new JtaTransactionManager(jta);
        locks = new TransactionBoundLocks(synchronizations, lockWait);
        this.transactions = transactions;
        ClassLoader appClassLoader = Thread.currentThread().getContextClassLoader();
        Serializer serializer = TypeCachingSerializer.of(EventJson.newMapper(), appClassLoader);
        GenericEventMessage.clock = clock;

        // false: no ServiceLoader modules (in 4.13 that is only AxonIQ's update checker, which phones home)
        System.setProperty("disable-axoniq-console-message", "true");
        Configurer configurer = DefaultConfigurer.defaultConfiguration(false);
        // Axon's correlation and trace ids, and the id of the API request that sent the command (RequestId)
        // (none taken from the events the processors handle: NotFromProcessedEvents)
        configurer.configureCorrelationDataProviders(c -> List.of(
                new NotFromProcessedEvents(new MessageOriginProvider()),
                new NotFromProcessedEvents(new SimpleCorrelationDataProvider(RequestId.METADATA_KEY))));
        configurer.configureSerializer(c -> serializer)
                .configureMessageSerializer(c -> serializer)
                .configureEventSerializer(c -> serializer)
                .registerComponent(TransactionManager.class, c -> transactions)
                .registerComponent(Clock.class, c -> clock)
                .configureCommandBus(this::commandBus)
                .registerComponent(CommandGateway.class, c -> DefaultCommandGateway.builder()
                        .commandBus(c.commandBus()).retryScheduler(new ConflictRetry(jta)).build())
                .configureDeadlineManager(c -> deadlineManager.bind(c, transactions))
                .configureEventStore(c -> {
                    // Axon's JDBC engine, reading each event's timestamp once (EventTable)
                    storageEngine = EventTable.of(JdbcEventStorageEngine.builder()
                            .connectionProvider(connections)
                            .transactionManager(transactions)
                            .eventSerializer(c.eventSerializer())
                            .snapshotSerializer(c.serializer())
                            .upcasterChain(c.upcasterChain())
                            // pgjdbc reports a duplicate (aggregate, sequence) as SQLState 23505, not as
                            // SQLIntegrityConstraintViolationException; without this a conflict would be a 500.
                            // 23505 only: another integrity failure is no lost race, and is not sent again
                            .persistenceExceptionResolver(new SQLStateResolver("23505"))
                            .batchSize(fetchSize), transactionTimeout);
                    EmbeddedEventStore store = new CoalescingEventStore(EmbeddedEventStore.builder()
                            .storageEngine(storageEngine)
                            // Axon wakes its readers when its unit of work commits, which is before the JTA
                            // transaction around a request commits: the readers find nothing new yet and would
                            // sleep for the whole fetch delay (Axon's default: a second). Looking again soon keeps
                            // the relay and the projections moments behind the commands.
                            .fetchDelay(fetchDelay.toMillis())
                            .cachedEvents(cachedEvents), wakeDelay);
                    c.onShutdown(store::shutDown);
                    return store;
                });
        for (AxonModule module : modules) {
            module.configure(configurer);
        }
        configurer.eventProcessing(this::configureProcessors);
        return configurer.buildConfiguration();
    }

    /** Axon's default command bus, with group commit unless the groups are of one. */
    private CommandBus commandBus(Configuration c) {
        SimpleCommandBus.Builder builder = SimpleCommandBus.builder()
                .transactionManager(transactions)
                .spanFactory(c.getComponent(CommandBusSpanFactory.class))
                .messageMonitor(c.messageMonitor(SimpleCommandBus.class, "commandBus"));
        SimpleCommandBus bus;
        if (groupCommitMax > 1) {
            DistributionSummary sizes = DistributionSummary.builder("casetrail.commands.group.size")
                    .description("Commands committed in one transaction (the count: groups committed)")
                    .baseUnit("commands").register(meters);
            Duration[] buckets = Stream.of(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000).map(Duration::ofMillis)
                    .toArray(Duration[]::new);
            Timer waits = Timer.builder("casetrail.commands.group.wait")
                    .description("How long a command waited in its lane for a group to take it")
                    .serviceLevelObjectives(buckets).register(meters);
            Timer groupTimes = Timer.builder("casetrail.commands.group.duration")
                    .description("How long a group took, from taken to committed (a failed one: to its commands run"
                            + " again alone)")
                    .serviceLevelObjectives(buckets).register(meters);
            GroupCommitCommandBus groups = new GroupCommitCommandBus(builder, transactions, jta, groupCommitMax,
                    groupCommitLanes, sizes, waits, groupTimes);
            c.onShutdown(Phase.INBOUND_COMMAND_CONNECTOR, groups::shutDown);
            bus = groups;
        } else {
            bus = builder.build();
        }
        bus.registerHandlerInterceptor(new CorrelationDataInterceptor<>(c.correlationDataProviders()));
        return bus;
    }

    private void configureProcessors(EventProcessingConfigurer processing) {
        processing.registerTokenStore(this::tokenStore);
        processingGroups.clear();
        for (Projection projection : projections) {
            Object handler = ClientProxy.unwrap(projection);
            String group = groupOf(handler);
            processing.registerEventHandler(c -> handler);
            if (!processingGroups.contains(group)) {
                processingGroups.add(group);
                registerProcessor(processing, group, batchSize);
            }
        }
        if (relayEnabled) {
            Object handler = ClientProxy.unwrap(relay);
            processing.registerEventHandler(c -> handler);
            processingGroups.add(RELAY_GROUP);
            // the relay's tokens move only over records Kafka has acknowledged
            processing.registerTokenStore(RELAY_GROUP, c -> relay.tokenStore(tokenStore(c)));
            registerProcessor(processing, RELAY_GROUP, relayBatchSize);
        }
    }

    private TokenStore tokenStore(Configuration c) {
        return JdbcTokenStore.builder()
                .connectionProvider(dataSource::getConnection)
                .serializer(c.serializer())
                .claimTimeout(Duration.ofSeconds(10))
                .build();
    }

    private void registerProcessor(EventProcessingConfigurer processing, String group, int groupBatchSize) {
        // Tracking processors, for the relay and the projections alike: the processor's own threads read the event
        // stream, block on it when caught up and wake as soon as the store has more. (Axon's pooled processor polls
        // every 500 ms when idle, because the embedded event store offers it no availability callback, and when its
        // work packages' buffers are full it pauses 100 ms, which held a rebuild to about 10,000 events/s.)
        processing.registerTrackingEventProcessor(group, Configuration::eventStore,
                c -> TrackingEventProcessorConfiguration.forParallelProcessing(segments)
                        .andBatchSize(groupBatchSize)
                        .andThreadFactory(this::threadsOf)
                        .andInitialSegmentsCount(segments)
                        .andTokenClaimInterval(tokenClaimInterval.toMillis(), TimeUnit.MILLISECONDS)
                        .andEventAvailabilityTimeout(1, TimeUnit.SECONDS)
                        // a batch in progress finishes before a shutdown (or a rebuild's reset) goes on
                        .andWorkerTerminationTimeout(60, TimeUnit.SECONDS));
        // Axon's default for handler failures is "log and skip"; Casetrail never skips: roll back, retry.
        processing.registerListenerInvocationErrorHandler(group, c -> PropagatingErrorHandler.instance());
        processing.registerErrorHandler(group, c -> PropagatingErrorHandler.instance());
    }

    private static String groupOf(Object handler) {
        ProcessingGroup group = handler.getClass().getAnnotation(ProcessingGroup.class);
        if (group == null) {
            throw new IllegalStateException(handler.getClass().getName()
                    + " is a Projection but has no @ProcessingGroup");
        }
        return group.value();
    }

    /** The processors, for health and metrics. */
    public List<EventProcessor> processors() {
        return List.copyOf(configuration().eventProcessingConfiguration().eventProcessors().values());
    }
}
