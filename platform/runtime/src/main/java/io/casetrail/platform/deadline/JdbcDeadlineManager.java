package io.casetrail.platform.deadline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import javax.sql.DataSource;

import io.casetrail.platform.store.Jdbc;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.config.ConfigurationScopeAwareProvider;
import org.axonframework.deadline.AbstractDeadlineManager;
import org.axonframework.deadline.DeadlineMessage;
import org.axonframework.deadline.GenericDeadlineMessage;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.ScopeAwareProvider;
import org.axonframework.messaging.ScopeDescriptor;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.AggregateScopeDescriptor;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.casetrail.platform.axon.TimeOrderedIdentifiers;
import io.quarkus.scheduler.Scheduled;

/**
 * Axon deadlines kept in the service's database (table {@code deadline_entry}), so that an SLA breach, a grant
 * expiry or an auto-close still fires when the service was down at the due time: the poller picks up every
 * entry whose time has come, whenever it runs next.
 *
 * <p>Scheduling writes the entry in the current (JTA) transaction, when the unit of work that scheduled it
 * commits, so a deadline exists exactly when the events that asked for it were stored. Firing loads the aggregate
 * and runs its {@code @DeadlineHandler} in a transaction that also deletes the entry; if the handler fails, the
 * entry stays and is retried after the claim expires. Entries are claimed with a conditional update, so several
 * instances of a service can poll the same table. Each claim has an id of its own, and a firing deletes its entry
 * by that claim: one whose claim timed out while it waited, the entry claimed, fired or cancelled meanwhile, is
 * rolled back (so the claim timeout must outlast the longest firing: an aggregate's load and handler). Only
 * aggregate-scoped deadlines are supported (Casetrail has no sagas).
 */
@Singleton
public class JdbcDeadlineManager extends AbstractDeadlineManager {

    /** Identity of the poller job (tests pause it to simulate downtime). */
    public static final String JOB = "casetrail-deadlines";

    private static final Logger LOG = Logger.getLogger(JdbcDeadlineManager.class);

    @Inject
    DataSource dataSource;

    @Inject
    Clock clock;

    @ConfigProperty(name = "casetrail.deadlines.claim-timeout", defaultValue = "PT30S")
    Duration claimTimeout;

    @ConfigProperty(name = "casetrail.deadlines.batch", defaultValue = "100")
    int batch;

    /** The unit of work's resource holding its deadline writes. */
    private static final String PENDING = JdbcDeadlineManager.class.getName() + ".pending";

    /** The firing on this thread (the poller's), while its handler runs: it may cancel its own entry. */
    private final ThreadLocal<Firing> firing = new ThreadLocal<>();
    private volatile ScopeAwareProvider scopes;
    private volatile TransactionManager transactions;
    private volatile Serializer serializer;

    /** Connects the manager to a built Axon configuration; returns itself for {@code configureDeadlineManager}. */
    public JdbcDeadlineManager bind(Configuration configuration, TransactionManager transactionManager) {
        this.scopes = new ConfigurationScopeAwareProvider(configuration);
        this.transactions = transactionManager;
        this.serializer = configuration.serializer();
        return this;
    }

    @Override
    public String schedule(Instant triggerDateTime, String deadlineName, Object messageOrPayload,
                           ScopeDescriptor deadlineScope) {
        AggregateScopeDescriptor scope = aggregateScope(deadlineScope);
        // time-ordered: the key's index takes it at its right edge (TimeOrderedIdentifiers)
        String id = TimeOrderedIdentifiers.next();
        Object payload = messageOrPayload instanceof org.axonframework.messaging.Message<?> m
                ? m.getPayload() : messageOrPayload;
        SerializedObject<byte[]> serialized = payload == null ? null : serializer.serialize(payload, byte[].class);
        execute("INSERT INTO deadline_entry (id, deadline_name, scope_type, scope_id, trigger_at, payload_type,"
                + " payload_revision, payload, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)", ps -> {
                    ps.setString(1, id);
                    ps.setString(2, deadlineName);
                    ps.setString(3, scope.getType());
                    ps.setString(4, String.valueOf(scope.getIdentifier()));
                    ps.setObject(5, Jdbc.utc(triggerDateTime));
                    ps.setString(6, serialized == null ? null : serialized.getType().getName());
                    ps.setString(7, serialized == null ? null : serialized.getType().getRevision());
                    ps.setBytes(8, serialized == null ? null : serialized.getData());
                });
        return id;
    }

    @Override
    public String schedule(Duration triggerDuration, String deadlineName, Object messageOrPayload,
                           ScopeDescriptor deadlineScope) {
        // Axon's default uses Instant.now(); Casetrail's time is the service clock
        return schedule(clock.instant().plus(triggerDuration), deadlineName, messageOrPayload, deadlineScope);
    }

    @Override
    public void cancelSchedule(String deadlineName, String scheduleId) {
        releaseFiringIf(due -> due.name().equals(deadlineName) && due.id().equals(scheduleId));
        execute("DELETE FROM deadline_entry WHERE deadline_name = ? AND id = ?", ps -> {
            ps.setString(1, deadlineName);
            ps.setString(2, scheduleId);
        });
    }

    @Override
    public void cancelAll(String deadlineName) {
        releaseFiringIf(due -> due.name().equals(deadlineName));
        execute("DELETE FROM deadline_entry WHERE deadline_name = ?", ps -> ps.setString(1, deadlineName));
    }

    @Override
    public void cancelAllWithinScope(String deadlineName, ScopeDescriptor scope) {
        AggregateScopeDescriptor aggregate = aggregateScope(scope);
        releaseFiringIf(due -> due.name().equals(deadlineName) && due.scopeType().equals(aggregate.getType())
                && due.scopeId().equals(String.valueOf(aggregate.getIdentifier())));
        execute("DELETE FROM deadline_entry WHERE deadline_name = ? AND scope_type = ? AND scope_id = ?", ps -> {
            ps.setString(1, deadlineName);
            ps.setString(2, aggregate.getType());
            ps.setString(3, String.valueOf(aggregate.getIdentifier()));
        });
    }

    /** Fires every due deadline; runs every second (and catches up on start after downtime). */
    @Scheduled(identity = JOB, every = "{casetrail.deadlines.poll-interval:1s}",
               delayed = "{casetrail.deadlines.initial-delay:2s}",
               concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void fireDueDeadlines() {
        if (scopes == null) {
            return; // Axon not started yet
        }
        List<Due> due;
        try {
            due = dueEntries();
        } catch (SQLException e) {
            LOG.warnf("Could not read due deadlines (will retry): %s", e.getMessage());
            return;
        }
        for (Due entry : due) {
            try {
                String claim = claim(entry);
                if (claim != null) {
                    fire(new Firing(entry, claim));
                }
            } catch (Exception e) {
                // one bad entry must not hold up the others; it is retried when its claim times out
                LOG.errorf(e, "Deadline %s (%s of %s %s) could not be fired", entry.id(), entry.name(),
                        entry.scopeType(), entry.scopeId());
            }
        }
    }

    /** How many deadlines wait to fire, for tests and metrics. */
    public long pendingCount() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM deadline_entry");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The entries due and not claimed, the earliest first, a batch at a time. The {@code LIMIT} is what lets
     * PostgreSQL read them through {@code ix_deadline_due} on a table it has no statistics of (a new database,
     * autovacuum yet to analyse it, or off): without it the planner, guessing what share of the rows are due, reads
     * the whole table and sorts it, once a second, every row a case or grant that ever set a deadline left (42
     * million rows read in the seven minutes of a command benchmark that left 200,000 of them, docs/benchmarks.md).
     * {@code setMaxRows} alone stops the reading, not the plan.
     */
    static final String DUE_ENTRIES = "SELECT id, deadline_name, scope_type, scope_id, payload_type, payload_revision,"
            + " payload, attempts FROM deadline_entry WHERE trigger_at <= ? AND (claimed_until IS NULL OR"
            + " claimed_until < ?) ORDER BY trigger_at LIMIT ?";

    private record Due(String id, String name, String scopeType, String scopeId, String payloadType,
                       String payloadRevision, byte[] payload, int attempts) {
    }

    private List<Due> dueEntries() throws SQLException {
        List<Due> due = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DUE_ENTRIES)) {
            OffsetDateTime now = Jdbc.utc(clock.instant());
            ps.setObject(1, now);
            ps.setObject(2, now);
            ps.setInt(3, batch);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(new Due(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getBytes(7), rs.getInt(8)));
                }
            }
        }
        return due;
    }

    /** A claimed entry being fired; {@code released} once its handler cancelled it (deleting it by its claim). */
    private static final class Firing {
        final Due due;
        final String claim;
        boolean released;

        Firing(Due due, String claim) {
            this.due = due;
            this.claim = claim;
        }
    }

    /**
     * Claims an entry until the claim times out (then another poll may retry it); the claim's id, or null when
     * another poll holds it.
     */
    private String claim(Due due) throws SQLException {
        Instant now = clock.instant();
        String claim = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE deadline_entry SET claimed_until = ?, claimed_by = ?,"
                     + " attempts = attempts + 1 WHERE id = ? AND (claimed_until IS NULL OR claimed_until < ?)")) {
            ps.setObject(1, Jdbc.utc(now.plus(claimTimeout)));
            ps.setString(2, claim);
            ps.setString(3, due.id());
            ps.setObject(4, Jdbc.utc(now));
            return ps.executeUpdate() == 1 ? claim : null;
        }
    }

    private void fire(Firing fired) {
        firing.set(fired);
        try {
            fire(fired, fired.due);
        } finally {
            firing.remove();
        }
    }

    private void fire(Firing fired, Due due) {
        Object payload = due.payloadType() == null ? null : serializer.deserialize(
                new SimpleSerializedObject<>(due.payload(), byte[].class, due.payloadType(), due.payloadRevision()));
        Instant firedAt = clock.instant();
        // the message is the entry: its id is the entry's, and the events its handler applies carry it as their
        // correlation id (ce_correlationid), as a request's events carry the request's
        DeadlineMessage<Object> message = new GenericDeadlineMessage<>(due.name(),
                new GenericMessage<>(due.id(), payload, MetaData.emptyInstance()), () -> firedAt);
        AggregateScopeDescriptor scope = new AggregateScopeDescriptor(due.scopeType(), due.scopeId());
        UnitOfWork<DeadlineMessage<?>> unitOfWork = DefaultUnitOfWork.startAndGet(message);
        unitOfWork.registerCorrelationDataProvider(new MessageOriginProvider());
        try {
            unitOfWork.attachTransaction(transactions);
        } catch (RuntimeException e) {
            unitOfWork.rollback(e);
            throw e;
        }
        ResultMessage<?> result = unitOfWork.executeWithResult(() -> {
            scopes.provideScopeAwareStream(scope)
                    .filter(component -> component.canResolve(scope))
                    .forEach(component -> {
                        try {
                            component.send(message, scope);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            // the entry goes with the handler's events, and only now that the aggregate is locked (sending loaded
            // it), as a command takes them: the aggregate, then the rows. Deleted first, its row was locked while
            // the poller waited for the aggregate, and a command holding the aggregate and cancelling the deadline
            // waited for the row, each for the other
            deleteClaimed(fired);
            return null;
        });
        if (result.isExceptional() && result.exceptionResult() instanceof ClaimLost lost) {
            LOG.info(lost.getMessage());
        } else if (result.isExceptional()) {
            LOG.warnf(result.exceptionResult(), "Deadline %s of %s %s failed (attempt %d); it stays and is retried"
                    + " when its claim times out", due.name(), due.scopeType(), due.scopeId(), due.attempts() + 1);
        }
    }

    /**
     * Deletes the fired entry by the claim it was fired under, unless its handler did (cancelling it). An entry no
     * longer under that claim was claimed again by another poll (this claim timed out while the firing waited for
     * the aggregate), fired by it, or cancelled by a command that held the aggregate meanwhile: the firing is rolled
     * back, and the entry fires once, by the claim that holds it, or not at all.
     */
    private void deleteClaimed(Firing fired) {
        if (!fired.released && !deleteByClaim(fired)) {
            throw new ClaimLost(fired.due);
        }
    }

    /** A cancellation by the firing's own handler that covers its entry deletes it by its claim first. */
    private void releaseFiringIf(Predicate<Due> cancels) {
        Firing current = firing.get();
        if (current != null && !current.released && cancels.test(current.due)) {
            current.released = deleteByClaim(current);
        }
    }

    private boolean deleteByClaim(Firing fired) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement(
                     "DELETE FROM deadline_entry WHERE id = ? AND claimed_by = ?")) {
            delete.setString(1, fired.due.id());
            delete.setString(2, fired.claim);
            return delete.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("Deadline store failed: " + e.getMessage(), e);
        }
    }

    /** The entry being fired was claimed, fired or cancelled meanwhile; the firing is rolled back. */
    static final class ClaimLost extends RuntimeException {
        ClaimLost(Due due) {
            super("Deadline " + due.id() + " was claimed again, fired or cancelled while this firing waited; this"
                    + " firing is rolled back");
        }
    }

    private static AggregateScopeDescriptor aggregateScope(ScopeDescriptor scope) {
        if (scope instanceof AggregateScopeDescriptor aggregate) {
            return aggregate;
        }
        throw new IllegalArgumentException("Only aggregate deadlines are supported, not " + scope.scopeDescription());
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** A write of the deadline store, waiting for its unit of work to commit. */
    private record Write(String sql, Binder binder) {
    }

    /**
     * A schedule or a cancellation inside a unit of work is written when the unit of work commits, with the events
     * that asked for it: one that rolls back (a command that failed) writes nothing, and a nested one's writes go
     * with its parent's, all in one batch (a group of commands, {@code GroupCommitCommandBus}). Outside a unit of
     * work, or once its commit has begun, it is written at once.
     */
    private void execute(String sql, Binder binder) {
        if (CurrentUnitOfWork.isStarted() && CurrentUnitOfWork.get().phase() == UnitOfWork.Phase.STARTED) {
            pending(CurrentUnitOfWork.get()).add(new Write(sql, binder));
        } else {
            write(List.of(new Write(sql, binder)));
        }
    }

    private List<Write> pending(UnitOfWork<?> unit) {
        return unit.getOrComputeResource(PENDING, key -> {
            List<Write> writes = new ArrayList<>();
            unit.onPrepareCommit(u -> {
                Optional<UnitOfWork<?>> parent = u.parent();
                if (parent.isPresent() && parent.get().phase() == UnitOfWork.Phase.STARTED) {
                    pending(parent.get()).addAll(writes);
                } else {
                    write(writes);
                }
            });
            return writes;
        });
    }

    /** The writes in their order, one statement per run of the same SQL (a JDBC batch). */
    private void write(List<Write> writes) {
        if (writes.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            int from = 0;
            while (from < writes.size()) {
                String sql = writes.get(from).sql();
                int to = from;
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    while (to < writes.size() && writes.get(to).sql().equals(sql)) {
                        writes.get(to).binder().bind(ps);
                        ps.addBatch();
                        to++;
                    }
                    ps.executeBatch();
                }
                from = to;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Deadline store failed: " + e.getMessage(), e);
        }
    }
}
