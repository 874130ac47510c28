package io.casetrail.platform.axon;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.axonframework.commandhandling.CommandCallback;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.CommandResultMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.GenericCommandResultMessage;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.common.Registration;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandler;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.DefaultInterceptorChain;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfiguration;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;

/**
 * Axon's command bus with group commit: commands sent outside any transaction (a REST request without an
 * {@code Idempotency-Key}, say) are handled one after the other by a lane's thread, several to a transaction. Each
 * command runs in a unit of work of its own, nested in the group's: a command that fails rolls back alone, its
 * events and its deadlines never staged; those that succeed hand theirs to the group, whose commit appends all
 * their events in one batch, writes their deadlines in another and commits once. Every command is answered only
 * once that commit is done, so a 2xx still means "stored". Should the group's commit fail (a lost race for an
 * aggregate with another instance, the database gone), nothing of it was stored and each of its commands runs again
 * alone, in a transaction of its own, and is answered by that.
 *
 * <p>A group takes whatever waited in its lane while the one before it committed, at most {@code maxGroup}
 * commands, and at most one command per aggregate: a second command on an aggregate waits for the next group, so a
 * command always sees the aggregate as the commands before it left it, and a failed command's rollback touches no
 * other's.
 * Under one client a group is one command; under many, the transaction's round trips, its commit and the
 * commit's log flush are shared by as many commands as arrived meanwhile.
 *
 * <p>Only for command handlers whose every write goes through their unit of work: events applied, deadlines
 * scheduled or cancelled ({@code JdbcDeadlineManager} writes them when the unit of work commits). A handler that
 * wrote to the database itself and then failed would leave that write in the group's transaction, to be committed
 * with the others; a service whose handlers do that (org-admin-service's directory import replaces tables) keeps
 * one command to a transaction ({@code casetrail.axon.group-commit.max-commands=1}, the default).
 *
 * <p>A command sent inside a transaction (a {@code @Transactional} endpoint's, an idempotent request's, a
 * processor's batch) or inside another unit of work runs at once on the caller's thread and joins it, as on
 * {@link SimpleCommandBus}; so does every command once the bus is shut down.
 */
final class GroupCommitCommandBus extends SimpleCommandBus {

    private static final Logger LOG = Logger.getLogger(GroupCommitCommandBus.class);

    /** The message of a group's own unit of work (a command runs in a nested one with its own message). */
    record Group(int commands) {
    }

    private record Pending<C, R>(CommandMessage<C> command, MessageHandler<? super CommandMessage<?>> handler,
                                 CommandCallback<? super C, ? super R> callback, String aggregate, long queuedAt) {
    }

    private final TransactionManager transactions;
    private final jakarta.transaction.TransactionManager jta;
    private final int maxGroup;
    /** The commands of each group that committed (their count: the groups). */
    private final DistributionSummary sizes;
    /** How long each command waited in its lane for a group to take it. */
    private final Timer waits;
    /** How long each group took, from being taken to committed (or to its commands run again alone). */
    private final Timer groupTimes;
    private final RollbackConfiguration rollback = RollbackConfigurationType.UNCHECKED_EXCEPTIONS;
    private final List<MessageHandlerInterceptor<? super CommandMessage<?>>> handlerInterceptors =
            new CopyOnWriteArrayList<>();

    /**
     * The lanes: each a thread committing its own groups in its own transaction, so that one runs its commands while
     * another waits for the database. An aggregate's commands always go to the same lane ({@link #laneOf}).
     */
    private final Lane[] lanes;

    GroupCommitCommandBus(Builder builder, TransactionManager transactions,
                          jakarta.transaction.TransactionManager jta, int maxGroup, int laneCount,
                          DistributionSummary sizes, Timer waits, Timer groupTimes) {
        super(builder.transactionManager(transactions));
        this.transactions = transactions;
        this.jta = jta;
        this.maxGroup = maxGroup;
        this.sizes = sizes;
        this.waits = waits;
        this.groupTimes = groupTimes;
        if (laneCount < 1) {
            throw new IllegalArgumentException("casetrail.axon.group-commit.lanes must be at least 1, not "
                    + laneCount);
        }
        this.lanes = new Lane[laneCount];
        for (int i = 0; i < laneCount; i++) {
            lanes[i] = new Lane(laneCount == 1 ? "command-group-commit" : "command-group-commit-" + i);
        }
    }

    @Override
    public Registration registerHandlerInterceptor(
            MessageHandlerInterceptor<? super CommandMessage<?>> handlerInterceptor) {
        Registration registration = super.registerHandlerInterceptor(handlerInterceptor);
        handlerInterceptors.add(handlerInterceptor);
        return () -> {
            handlerInterceptors.remove(handlerInterceptor);
            return registration.cancel();
        };
    }

    @Override
    protected <C, R> void handle(CommandMessage<C> command, MessageHandler<? super CommandMessage<?>> handler,
                                 CommandCallback<? super C, ? super R> callback) {
        if (!onLane() && !CurrentUnitOfWork.isStarted() && !JtaTransactionManager.onThread(jta)) {
            String aggregate = aggregateOf(command);
            if (laneOf(aggregate).offer(new Pending<>(command, handler, callback, aggregate, System.nanoTime()))) {
                return;
            }
        }
        super.handle(command, handler, callback);
    }

    /**
     * The lane a command goes to: an aggregate's commands always to the same one, so that they run one after the
     * other in the order sent; a command that creates its aggregate to the lane with the fewest commands waiting.
     */
    private Lane laneOf(String aggregate) {
        if (lanes.length == 1) {
            return lanes[0];
        }
        if (aggregate != null) {
            return lanes[laneIndex(aggregate, lanes.length)];
        }
        Lane shortest = lanes[0];
        for (int i = 1; i < lanes.length; i++) {
            if (lanes[i].queued < shortest.queued) {
                shortest = lanes[i];
            }
        }
        return shortest;
    }

    /** The lane of an aggregate's commands among {@code lanes}. */
    static int laneIndex(String aggregate, int lanes) {
        return Math.floorMod(aggregate.hashCode(), lanes);
    }

    private boolean onLane() {
        Thread current = Thread.currentThread();
        for (Lane lane : lanes) {
            if (lane.worker == current) {
                return true;
            }
        }
        return false;
    }

    /** Stops taking commands into groups; those waiting are handled before this returns. */
    void shutDown() {
        for (Lane lane : lanes) {
            lane.stop();
        }
        for (Lane lane : lanes) {
            lane.awaitStopped();
        }
    }

    /**
     * One thread committing groups, and the commands waiting for it. Each lane has its own transaction: while one
     * waits for the database (its statements, its commit), another runs its commands.
     */
    private final class Lane {

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition arrived = lock.newCondition();
        /** Commands waiting for a group, oldest first (guarded by {@link #lock}). */
        private final ArrayDeque<Pending<?, ?>> waiting = new ArrayDeque<>();
        /** Guarded by {@link #lock}: once false, commands run on their caller's thread. */
        private boolean running = true;
        /** How many commands wait, as last seen: where a creating command goes (no lock needed). */
        private volatile int queued;
        private final Thread worker;

        Lane(String name) {
            this.worker = new Thread(this::work, name);
            worker.setDaemon(true);
            worker.start();
        }

        /** Queues a command for a group; false once the lane stopped. */
        boolean offer(Pending<?, ?> pending) {
            lock.lock();
            try {
                if (!running) {
                    return false;
                }
                waiting.addLast(pending);
                queued = waiting.size();
                arrived.signal();
                return true;
            } finally {
                lock.unlock();
            }
        }

        void stop() {
            lock.lock();
            try {
                running = false;
                arrived.signal();
            } finally {
                lock.unlock();
            }
        }

        void awaitStopped() {
            try {
                worker.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void work() {
            List<Pending<?, ?>> group = new ArrayList<>();
            while (true) {
                lock.lock();
                try {
                    while (waiting.isEmpty() && running) {
                        arrived.awaitUninterruptibly();
                    }
                    if (waiting.isEmpty()) {
                        return; // shut down, nothing left
                    }
                    take(group);
                    queued = waiting.size();
                } finally {
                    lock.unlock();
                }
                long taken = System.nanoTime();
                for (Pending<?, ?> pending : group) {
                    waits.record(taken - pending.queuedAt(), TimeUnit.NANOSECONDS);
                }
                try {
                    commit(group, taken);
                } catch (Throwable e) {
                    LOG.error("A group of commands failed outside any command; each is answered with the failure",
                            e);
                    for (Pending<?, ?> pending : group) {
                        answer(pending, GenericCommandResultMessage.asCommandResultMessage(e));
                    }
                }
                group.clear();
            }
        }

        /** The oldest waiting commands, at most one per aggregate; the others keep their place (guarded by lock). */
        private void take(List<Pending<?, ?>> group) {
            Set<String> aggregates = new HashSet<>();
            var it = waiting.iterator();
            while (it.hasNext() && group.size() < maxGroup) {
                Pending<?, ?> pending = it.next();
                if (pending.aggregate() == null || aggregates.add(pending.aggregate())) {
                    group.add(pending);
                    it.remove();
                }
            }
        }
    }

    /**
     * Runs and commits a group taken at {@code taken} (nanoTime). A committed group's time is recorded before any of
     * its commands is answered, so that a caller answered finds it counted; a group that failed is timed once its
     * commands, run again alone, have been answered.
     */
    private void commit(List<Pending<?, ?>> group, long taken) {
        List<CommandResultMessage<?>> results = new ArrayList<>(group.size());
        UnitOfWork<?> unit = DefaultUnitOfWork.startAndGet(new GenericCommandMessage<>(new Group(group.size())));
        try {
            unit.attachTransaction(transactions);
            for (Pending<?, ?> pending : group) {
                results.add(inNestedUnit(pending));
            }
        } catch (RuntimeException | Error e) {
            unit.rollback(e);
            throw e;
        }
        try {
            unit.commit();
        } catch (RuntimeException e) {
            // nothing of the group is stored: each command runs again, alone, and is answered by that
            LOG.debugf(e, "A group of %d commands could not commit; each runs again alone", group.size());
            for (Pending<?, ?> pending : group) {
                alone(pending);
            }
            groupTimes.record(System.nanoTime() - taken, TimeUnit.NANOSECONDS);
            return;
        }
        sizes.record(group.size());
        groupTimes.record(System.nanoTime() - taken, TimeUnit.NANOSECONDS);
        for (int i = 0; i < group.size(); i++) {
            answer(group.get(i), results.get(i));
        }
    }

    private CommandResultMessage<?> inNestedUnit(Pending<?, ?> pending) {
        UnitOfWork<CommandMessage<?>> nested = DefaultUnitOfWork.startAndGet(pending.command());
        InterceptorChain chain = new DefaultInterceptorChain<>(nested, handlerInterceptors, pending.handler());
        return GenericCommandResultMessage.asCommandResultMessage(nested.executeWithResult(chain::proceed, rollback));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void alone(Pending pending) {
        try {
            super.handle(pending.command(), pending.handler(), pending.callback());
        } catch (RuntimeException e) {
            answer(pending, GenericCommandResultMessage.asCommandResultMessage(e));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void answer(Pending pending, CommandResultMessage<?> result) {
        try {
            pending.callback().onResult(pending.command(), result);
        } catch (RuntimeException e) {
            LOG.error("A command's callback failed", e);
        }
    }

    private static String aggregateOf(CommandMessage<?> command) {
        Object identifier = TARGETS.get(command.getPayloadType()).apply(command.getPayload());
        return identifier == null ? null : identifier.toString();
    }

    /**
     * Where a command's class names its aggregate ({@code @TargetAggregateIdentifier} on a field or on a method
     * without parameters, as Axon's {@code AnnotationCommandTargetResolver} finds it), looked up once per class;
     * none for a command that creates its aggregate. Axon's resolver searches the class's annotations at every
     * command, and throws when there is none (5 % of case-service's CPU under commands).
     */
    private static final ClassValue<Function<Object, Object>> TARGETS = new ClassValue<>() {
        @Override
        protected Function<Object, Object> computeValue(Class<?> type) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (field.isAnnotationPresent(TargetAggregateIdentifier.class)) {
                        field.setAccessible(true);
                        return command -> read(() -> field.get(command));
                    }
                }
                for (Method method : c.getDeclaredMethods()) {
                    if (method.getParameterCount() == 0
                            && method.isAnnotationPresent(TargetAggregateIdentifier.class)) {
                        method.setAccessible(true);
                        return command -> read(() -> method.invoke(command));
                    }
                }
            }
            return command -> null;
        }
    };

    private static Object read(Callable<Object> member) {
        try {
            return member.call();
        } catch (Exception e) {
            throw new IllegalArgumentException("could not read the command's target aggregate", e);
        }
    }
}
