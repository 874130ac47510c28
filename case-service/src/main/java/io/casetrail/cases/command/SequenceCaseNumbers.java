package io.casetrail.cases.command;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import jakarta.inject.Singleton;

import io.casetrail.platform.store.Jdbc;

/**
 * Case numbers from the database sequence {@code case_number_seq}: eight digits, never reused.
 *
 * <p>Requests that want a number at the same moment share one query: one of them draws as many numbers as are
 * wanted then, in one round trip, and hands them out in the order the requests asked; the others wait for it, and
 * whoever asks while it draws is served by the next draw. No number is drawn ahead of a request or kept for later,
 * so numbers follow the order in which cases were asked for, across instances as within one (the sequence orders
 * them); one request alone draws its own, as before.
 */
@Singleton
public class SequenceCaseNumbers implements CaseNumbers {

    /** The most numbers one query draws. */
    private static final int MAX_DRAW = 512;

    private final DataSource dataSource;
    private final Jdbc jdbc;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drawn = lock.newCondition();
    /** Requests waiting for a number, in the order they asked (guarded by lock). */
    private final ArrayDeque<Wanted> wanted = new ArrayDeque<>();
    /** Whether a draw is under way (guarded by lock). */
    private boolean drawing;
    private final AtomicLong draws = new AtomicLong();

    public SequenceCaseNumbers(DataSource dataSource, Jdbc jdbc) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
    }

    /** One request's number, or why it could not be drawn. */
    private static final class Wanted {
        String number;
        RuntimeException failure;

        boolean answered() {
            return number != null || failure != null;
        }
    }

    @Override
    public String next() {
        Wanted mine = new Wanted();
        lock.lock();
        try {
            wanted.addLast(mine);
        } finally {
            lock.unlock();
        }
        while (true) {
            List<Wanted> batch = null;
            lock.lock();
            try {
                while (!mine.answered() && batch == null) {
                    if (drawing) {
                        drawn.awaitUninterruptibly();
                    } else {
                        drawing = true;
                        batch = new ArrayList<>(Math.min(wanted.size(), MAX_DRAW));
                        while (!wanted.isEmpty() && batch.size() < MAX_DRAW) {
                            batch.add(wanted.pollFirst());
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            if (batch != null) {
                answer(batch); // this request's number among them, unless more than a draw's worth asked first
            }
            if (mine.failure != null) {
                throw mine.failure;
            }
            if (mine.number != null) {
                return mine.number;
            }
        }
    }

    /** Queries run to draw numbers since the service started (several requests may share one). */
    long draws() {
        return draws.get();
    }

    private void answer(List<Wanted> batch) {
        List<String> numbers = null;
        RuntimeException failure = null;
        try {
            numbers = draw(batch.size());
        } catch (RuntimeException e) {
            failure = e;
        }
        lock.lock();
        try {
            for (int i = 0; i < batch.size(); i++) {
                if (failure != null) {
                    batch.get(i).failure = failure;
                } else {
                    batch.get(i).number = numbers.get(i);
                }
            }
            drawing = false;
            drawn.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private List<String> draw(int count) {
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
                values.sort(null); // the first to ask gets the lowest
                List<String> numbers = new ArrayList<>(count);
                for (long value : values) {
                    numbers.add(String.format("%08d", value));
                }
                return numbers;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not draw a case number", e);
        }
    }
}
