package io.casetrail.cases.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.casetrail.platform.store.Jdbc;
import io.quarkus.test.junit.QuarkusTest;

/** Case numbers drawn as they are asked for, by many requests at once, on the service's real database. */
@QuarkusTest
class SequenceCaseNumbersTest {

    private static final int THREADS = 32;
    private static final int EACH = 20;
    private static final Duration HOLD = Duration.ofMillis(100);

    @Inject
    DataSource dataSource;

    @Inject
    Jdbc jdbc;

    /** A clock the test moves: the numbers' notion of "now", in nanoseconds. */
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private SequenceCaseNumbers numbers(Duration hold) {
        return new SequenceCaseNumbers(dataSource, jdbc, hold, now::get);
    }

    @Test
    void requestsAskingAtOnceShareDrawsAndEachGetsANumberOfItsOwnInTheOrderItAsked() throws Exception {
        SequenceCaseNumbers numbers = new SequenceCaseNumbers(dataSource, jdbc, HOLD, System::nanoTime);
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<String>>> drawn = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                drawn.add(pool.submit(() -> {
                    List<String> mine = new ArrayList<>();
                    for (int i = 0; i < EACH; i++) {
                        start.await(10, TimeUnit.SECONDS); // all ask at once, every round
                        mine.add(numbers.next());
                    }
                    return mine;
                }));
            }
            Set<String> all = new HashSet<>();
            for (Future<List<String>> future : drawn) {
                List<String> mine = future.get(60, TimeUnit.SECONDS);
                assertThat(mine).allMatch(n -> n.matches("\\d{8}"));
                // one request's numbers grow with each request it makes
                assertThat(mine).isSorted().doesNotHaveDuplicates();
                all.addAll(mine);
            }
            assertThat(all).hasSize(THREADS * EACH);
            // 640 numbers asked for 32 at a time: far fewer queries than numbers
            assertThat(numbers.draws()).isBetween(1L, (long) EACH);
        } finally {
            pool.shutdownNow();
            numbers.stop();
        }
    }

    @Test
    void atACaseAMinuteEachNumberIsAQueryOfItsOwnAndTheSequenceRunsOnWithoutAGap() {
        SequenceCaseNumbers numbers = numbers(HOLD);
        long first = Long.parseLong(numbers.next());
        for (int i = 1; i < 5; i++) {
            now.addAndGet(Duration.ofMinutes(1).toNanos());
            assertThat(Long.parseLong(numbers.next())).isEqualTo(first + i);
        }
        assertThat(numbers.draws()).isEqualTo(5);
        numbers.stop();
    }

    @Test
    void numbersAskedForFastAreDrawnInGrowingBlocksAndNoneIsHandedOutLaterThanTheHold() {
        SequenceCaseNumbers numbers = numbers(HOLD);
        long first = Long.parseLong(numbers.next());
        // a number every millisecond: each query draws twice the last, up to what 100 ms would ask for
        for (int i = 1; i < 63; i++) {
            now.addAndGet(Duration.ofMillis(1).toNanos());
            assertThat(Long.parseLong(numbers.next())).isEqualTo(first + i);
        }
        // 1 + 2 + 4 + 8 + 16 + 32 numbers: six queries for 63
        assertThat(numbers.draws()).isEqualTo(6);
        // the seventh draws 64 (what 100 ms asks for at 32 in 31 ms, at most twice the last); one is handed out
        assertThat(Long.parseLong(numbers.next())).isEqualTo(first + 63);
        assertThat(numbers.draws()).isEqualTo(7);
        // 101 ms later the 63 left are too old to be handed out: dropped, and the next is drawn
        now.addAndGet(Duration.ofMillis(101).toNanos());
        assertThat(Long.parseLong(numbers.next())).isEqualTo(first + 127);
        assertThat(numbers.draws()).isEqualTo(8);
        // one at hand is handed out at once, without a query
        assertThat(numbers.nextAsync().toCompletableFuture()).isCompletedWithValue("%08d".formatted(first + 128));
        assertThat(numbers.draws()).isEqualTo(8);
        numbers.stop();
    }

    @Test
    void withNoHoldEveryQueryDrawsWhatIsWaitingAndNoMore() {
        SequenceCaseNumbers numbers = numbers(Duration.ZERO);
        long first = Long.parseLong(numbers.next());
        for (int i = 1; i < 10; i++) {
            assertThat(Long.parseLong(numbers.next())).isEqualTo(first + i);
        }
        assertThat(numbers.draws()).isEqualTo(10);
        numbers.stop();
    }

    @Test
    void aNumberHasEightDigitsAtLeast() {
        assertThat(SequenceCaseNumbers.format(0)).isEqualTo("00000000");
        assertThat(SequenceCaseNumbers.format(1234)).isEqualTo("00001234");
        assertThat(SequenceCaseNumbers.format(99_999_999)).isEqualTo("99999999");
        assertThat(SequenceCaseNumbers.format(100_000_000)).isEqualTo("100000000");
    }

    @Test
    void theHoldIsAtMostTenSeconds() {
        assertThatThrownBy(() -> numbers(Duration.ofSeconds(11)))
                .hasMessage("casetrail.cases.number-hold must be 0 to PT10S, not PT11S");
        assertThatThrownBy(() -> numbers(Duration.ofMillis(-1)))
                .hasMessageStartingWith("casetrail.cases.number-hold must be 0 to PT10S");
    }

    @Test
    void aFailedDrawFailsTheRequestAndTheNextRequestDrawsAgain() {
        Unreachable database = new Unreachable(dataSource);
        SequenceCaseNumbers numbers = new SequenceCaseNumbers(database, jdbc, Duration.ZERO, now::get);
        database.down = true;
        assertThatThrownBy(numbers::next).hasMessage("could not draw a case number")
                .hasRootCauseMessage("the database is out of reach");
        assertThat(numbers.draws()).isZero();
        database.down = false;
        long first = Long.parseLong(numbers.next());
        assertThat(Long.parseLong(numbers.next())).isEqualTo(first + 1);
        assertThat(numbers.draws()).isEqualTo(2);
        numbers.stop();
        assertThatThrownBy(numbers::next).hasMessage("case numbers are no longer drawn: the service is stopping");
    }

    /** The real database, out of reach while {@code down}: no connection is handed out. */
    private static final class Unreachable implements DataSource {
        private final DataSource database;
        volatile boolean down;

        Unreachable(DataSource database) {
            this.database = database;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (down) {
                throw new SQLException("the database is out of reach", "08001");
            }
            return database.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
