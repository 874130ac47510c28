package io.casetrail.cases.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** Case numbers drawn by many requests at once, several to a query, on the service's real database. */
@QuarkusTest
class SequenceCaseNumbersTest {

    private static final int THREADS = 32;
    private static final int EACH = 20;

    @Inject
    SequenceCaseNumbers numbers;

    @Test
    void requestsAskingAtOnceShareDrawsAndEachGetsANumberOfItsOwnInTheOrderItAsked() throws Exception {
        long drawsBefore = numbers.draws();
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
            // every round, 32 requests asked at the same moment: they did not each need a query of their own
            assertThat(numbers.draws() - drawsBefore).isGreaterThanOrEqualTo(EACH).isLessThan(THREADS * EACH);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRequestAloneDrawsTheNextNumberOfTheSequence() {
        long first = Long.parseLong(numbers.next());
        long drawsBefore = numbers.draws();
        assertThat(Long.parseLong(numbers.next())).isEqualTo(first + 1);
        assertThat(numbers.draws()).isEqualTo(drawsBefore + 1);
    }
}
