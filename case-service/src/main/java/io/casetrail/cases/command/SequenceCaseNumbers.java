package io.casetrail.cases.command;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.casetrail.platform.store.Jdbc;

/**
 * Case numbers from the database sequence {@code case_number_seq}: eight digits, never reused.
 *
 * <p>Each query draws what the next {@code casetrail.cases.number-hold} (100 ms) is expected to ask for, at the pace
 * the numbers went lately, and at least what is waiting: one number a query at a case a minute, a few hundred at
 * thousands a second. A number is handed out within that time of its draw or never (a gap; gaps are harmless,
 * architecture.md), so numbers keep the order cases were opened in across instances to within it: {@code GET /cases}
 * lists the newest first by number. Within an instance they are handed out in the order asked. A request that finds
 * none at hand waits for the next draw, made on a thread of the numbers' own (a request on the HTTP event loop never
 * waits for the database); a failed draw fails the requests that waited for it, and the next one draws again. A
 * refused opening draws no number: the endpoint checks everything before it asks for one.
 */
@Singleton
public class SequenceCaseNumbers implements CaseNumbers {

    /** The most numbers one query draws. */
    static final int MAX_DRAW = 4_096;
    /** The longest hold allowed. */
    static final Duration MAX_HOLD = Duration.ofSeconds(10);

    private final DataSource dataSource;
    private final Jdbc jdbc;
    private final long holdNanos;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    /** Numbers drawn and not yet handed out, lowest first (guarded by lock). */
    private final ArrayDeque<Long> held = new ArrayDeque<>();
    /** Requests waiting for a draw, in the order they asked (guarded by lock). */
    private final ArrayDeque<CompletableFuture<String>> waiting = new ArrayDeque<>();
    /** Whether the drawing thread is at work (guarded by lock). */
    private boolean drawing;
    /** When the last draw began, and how many it drew (guarded by lock; no draw yet: size 0). */
    private long lastDrawAt;
    private int lastDrawSize;
    /** Draws on a thread of its own: a request on the HTTP event loop never waits for the database. */
    private final ExecutorService drawer = Executors.newSingleThreadExecutor(work -> {
        Thread thread = new Thread(work, "case-number-draw");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong draws = new AtomicLong();

    @Inject
    public SequenceCaseNumbers(DataSource dataSource, Jdbc jdbc, CaseSettings settings) {
        this(dataSource, jdbc, settings.numberHold(), System::nanoTime);
    }

    SequenceCaseNumbers(DataSource dataSource, Jdbc jdbc, Duration hold, LongSupplier nanoTime) {
        if (hold.isNegative() || hold.compareTo(MAX_HOLD) > 0) {
            throw new IllegalArgumentException("casetrail.cases.number-hold must be 0 to " + MAX_HOLD + ", not "
                    + hold);
        }
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.holdNanos = hold.toNanos();
        this.nanoTime = nanoTime;
    }

    @Override
    public CompletionStage<String> nextAsync() {
        CompletableFuture<String> mine;
        lock.lock();
        try {
            if (!held.isEmpty() && nanoTime.getAsLong() - lastDrawAt > holdNanos) {
                held.clear(); // drawn too long ago: handed out now, they would be older than numbers drawn since
            }
            if (!held.isEmpty() && waiting.isEmpty()) {
                return CompletableFuture.completedFuture(format(held.pollFirst()));
            }
            mine = new CompletableFuture<>();
            waiting.addLast(mine);
            if (drawing) {
                return mine; // the draw under way serves this request too, in its turn
            }
            drawing = true;
        } finally {
            lock.unlock();
        }
        try {
            drawer.execute(this::drawForWaiting);
        } catch (RejectedExecutionException e) {
            failWaiting(new IllegalStateException("case numbers are no longer drawn: the service is stopping", e));
        }
        return mine;
    }

    @Override
    public String next() {
        try {
            return nextAsync().toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * How many to draw now: what the hold is expected to ask for at the pace the last draw went (its size over the
     * time since it began), at most twice the last draw, and never fewer than are waiting (guarded by lock).
     */
    private int sizeOfDraw(long now) {
        int wanted = Math.max(1, waiting.size());
        if (lastDrawSize == 0 || holdNanos == 0) {
            return Math.min(MAX_DRAW, wanted);
        }
        long since = Math.max(1, now - lastDrawAt);
        double expected = Math.ceil((double) lastDrawSize * holdNanos / since);
        long size = (long) Math.min(expected, 2.0 * lastDrawSize);
        return (int) Math.min(MAX_DRAW, Math.max(wanted, size));
    }

    /** On the drawing thread: draws until every waiting request has its number, or a draw failed them all. */
    private void drawForWaiting() {
        while (true) {
            long began = nanoTime.getAsLong();
            int size;
            lock.lock();
            try {
                size = sizeOfDraw(began);
            } finally {
                lock.unlock();
            }
            List<Long> values;
            try {
                values = draw(size);
            } catch (RuntimeException e) {
                failWaiting(e);
                return;
            }
            List<CompletableFuture<String>> served = new ArrayList<>();
            List<String> numbers = new ArrayList<>();
            boolean done;
            lock.lock();
            try {
                held.addAll(values); // empty until now: a draw runs only for requests that found none at hand
                lastDrawAt = began;
                lastDrawSize = size;
                while (!waiting.isEmpty() && !held.isEmpty()) {
                    served.add(waiting.pollFirst());
                    numbers.add(format(held.pollFirst()));
                }
                done = waiting.isEmpty();
                if (done) {
                    drawing = false;
                }
            } finally {
                lock.unlock();
            }
            // outside the lock: what a request does next (sending its command) runs on this thread
            for (int i = 0; i < served.size(); i++) {
                served.get(i).complete(numbers.get(i));
            }
            if (done) {
                return;
            }
        }
    }

    /** Every request waiting for a draw fails with it; the next request draws again. */
    private void failWaiting(RuntimeException failure) {
        List<CompletableFuture<String>> failed;
        lock.lock();
        try {
            failed = new ArrayList<>(waiting);
            waiting.clear();
            drawing = false;
        } finally {
            lock.unlock();
        }
        failed.forEach(request -> request.completeExceptionally(failure));
    }

    @PreDestroy
    void stop() {
        drawer.shutdown();
    }

    /** Queries run to draw numbers since the service started. */
    long draws() {
        return draws.get();
    }

    /** A case number as written: the value with at least eight digits, zeros first. */
    static String format(long value) {
        String digits = Long.toString(value);
        return digits.length() >= 8 ? digits : "00000000".substring(digits.length()) + digits;
    }

    /** {@code count} values of the sequence, lowest first. */
    private List<Long> draw(int count) {
        try (Connection c = dataSource.getConnection()) {
            // count values of the sequence in one query: PostgreSQL's form, or H2's (tests, a laptop)
            try (PreparedStatement ps = c.prepareStatement(jdbc.postgres()
                    ? "SELECT nextval('case_number_seq') FROM generate_series(1, ?)"
                    : "SELECT NEXT VALUE FOR case_number_seq FROM SYSTEM_RANGE(1, ?)")) {
                ps.setInt(1, count);
                List<Long> values = new ArrayList<>(count);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        values.add(rs.getLong(1));
                    }
                }
                if (values.size() != count) {
                    throw new IllegalStateException("drew " + values.size() + " case numbers for " + count);
                }
                draws.incrementAndGet();
                values.sort(null);
                return values;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not draw a case number", e);
        }
    }
}
