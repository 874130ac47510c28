package io.casetrail.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.tools.ProducerPerformance;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The relay's throughput (events from case-service's store to {@code casetrail.case.v1}, acks=all, acknowledged
 * before its token moves) against Kafka's own {@code kafka-producer-perf-test} with the same number of records of
 * the same size, acks=all, on the same broker and a topic with the same partitions. The relay's rate is taken over
 * the second half of the events (case-service has just started: its JIT compiler takes half a core or more for the
 * first 20 seconds, so the first half is the warm-up); the whole run's rate is reported too. The perf test runs
 * twice and its second run counts, for the same reason.
 */
final class RelayBench {

    private RelayBench() {
    }

    static void run(Path root, ObjectNode result) throws Exception {
        long events = Long.getLong("bench.relay.events", 1_000_000);
        try (BenchStack stack = new BenchStack(root, "case-service")) {
            EventStore.seed(stack, 1000);
            stack.stop("case-service");
            long stored = EventStore.fill(stack, events);
            long recordSize;
            try (Connection db = stack.database("case-service", true); Statement sql = db.createStatement()) {
                recordSize = EventStore.count(sql, "SELECT avg(octet_length(payload))::bigint FROM domainevententry");
                // the relay starts over from the first event: every stored event is published again
                EventStore.token(sql, "kafka-relay", 0);
            }
            long started = System.nanoTime();
            stack.start("case-service");
            // the whole run, from the first acknowledged event, and the warm rate over the second half
            double first = -1;
            long firstAt = 0;
            double half = -1;
            long halfAt = 0;
            double published;
            while (true) {
                published = Metrics.sum(stack, "case-service", "casetrail_relay_published_events_total", "");
                double lag = Metrics.sum(stack, "case-service", "casetrail_processor_lag_events", "kafka-relay");
                long now = System.nanoTime();
                if (first < 0 && published > 0) {
                    first = published;
                    firstAt = now;
                }
                if (half < 0 && published >= stored / 2.0) {
                    half = published;
                    halfAt = now;
                }
                if (published >= stored && lag == 0) {
                    break;
                }
                if (now - started > 30L * 60 * 1_000_000_000) {
                    throw new IllegalStateException("the relay did not catch up in 30 minutes");
                }
                Thread.sleep(100);
            }
            long endedAt = System.nanoTime();
            double wholeRate = (published - first) / ((endedAt - firstAt) / 1e9);
            // a run too short to see its half before the end has no warm part: its whole-run rate stands for it
            double relayRate = half < 0 || half >= published ? wholeRate
                    : (published - half) / ((endedAt - halfAt) / 1e9);
            int partitions;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka()))) {
                partitions = admin.describeTopics(List.of("casetrail.case.v1")).allTopicNames().get()
                        .get("casetrail.case.v1").partitions().size();
                admin.createTopics(List.of(new NewTopic("bench-perf", Optional.of(partitions), Optional.empty())))
                        .all().get();
            }
            // twice, the second counts: the first warms this JVM's producer code, as the relay's first half did
            producerPerfTest(stack.kafka(), stored, recordSize);
            double perfRate = producerPerfTest(stack.kafka(), stored, recordSize);
            result.put("events", stored);
            result.put("recordSizeBytes", recordSize);
            result.put("partitions", partitions);
            result.put("relayEventsPerSecond", Bench.round(relayRate));
            result.put("relayWholeRunEventsPerSecond", Bench.round(wholeRate));
            result.put("producerPerfTestRecordsPerSecond", Bench.round(perfRate));
            result.put("ratio", Bench.round(relayRate / perfRate));
            System.out.printf("relay: %.0f events/s over the second half (%.0f over the whole run) |"
                    + " kafka-producer-perf-test: %.0f records/s (%d records of %d bytes, acks=all, %d partitions) |"
                    + " ratio %.2f%n", relayRate, wholeRate, perfRate, stored, recordSize, partitions,
                    relayRate / perfRate);
        }
    }

    /** Runs Kafka's ProducerPerformance (kafka-producer-perf-test) in this JVM; its records per second. */
    static double producerPerfTest(String bootstrap, long records, long recordSize) throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ProducerPerformance.main(new String[]{"--topic", "bench-perf", "--num-records", String.valueOf(records),
                "--record-size", String.valueOf(recordSize), "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + bootstrap, "acks=all"});
        } finally {
            System.setOut(out);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        Matcher total = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec").matcher(output);
        double rate = -1;
        while (total.find()) {
            rate = Double.parseDouble(total.group(2));
        }
        if (rate < 0) {
            throw new IllegalStateException("kafka-producer-perf-test printed no total: " + output);
        }
        System.out.println("kafka-producer-perf-test: " + output.lines().reduce((a, b) -> b).orElse(""));
        return rate;
    }
}
