package io.casetrail.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How fast a service works through a backlog on its topics, as after a consumer group's reset, a new projection or
 * an outage: log-service started on a fresh database with the case topic holding every event of a filled store
 * (case-service's relay publishes them first) and the request-log topic what case-service logged. Measured: its
 * internal log (every record appended to the hash chain, in order) and its known cases (one row per case, the
 * case's status kept), each from its first applied record to its last, and each over its second half (warm).
 * The yardstick: a plain Kafka consumer reading the same topics from the beginning on the same broker, twice, the
 * second counting.
 */
final class ReplayBench {

    private static final String CASE_TOPIC = "casetrail.case.v1";
    private static final String LOG_TOPIC = "casetrail.log.v1";

    private ReplayBench() {
    }

    static void run(Path root, ObjectNode result) throws Exception {
        long events = Long.getLong("bench.replay.events", 100_000);
        try (BenchStack stack = new BenchStack(root, "case-service")) {
            EventStore.seed(stack, 1000);
            stack.stop("case-service");
            long stored;
            try (Connection db = stack.database("case-service", true); Statement sql = db.createStatement()) {
                long relayed = EventStore.count(sql, "SELECT max(globalindex) FROM domainevententry");
                stored = EventStore.fill(stack, events);
                // the relay publishes the copies (the seeded events are on the topic already)
                EventStore.token(sql, "kafka-relay", relayed);
            }
            stack.start("case-service");
            long started = System.nanoTime();
            while (RelayBench.records(stack.kafka(), CASE_TOPIC) < stored
                    || Metrics.sum(stack, "case-service", "casetrail_processor_lag_events", "kafka-relay") > 0) {
                if (System.nanoTime() - started > Duration.ofMinutes(30).toNanos()) {
                    throw new IllegalStateException("the relay did not publish the store in 30 minutes");
                }
                Thread.sleep(200);
            }
            stack.stop("case-service"); // the backlog is complete; nothing else runs beside log-service
            long caseRecords = RelayBench.records(stack.kafka(), CASE_TOPIC);
            long logRecords = RelayBench.records(stack.kafka(), LOG_TOPIC);

            plainRead(stack.kafka());
            double plainRate = plainRead(stack.kafka());

            stack.startAfresh("log-service");
            Progress internalLog = new Progress("internal-log", caseRecords + logRecords);
            Progress knownCases = new Progress("known-cases", caseRecords);
            started = System.nanoTime();
            while (!internalLog.done() || !knownCases.done()) {
                internalLog.poll(stack);
                knownCases.poll(stack);
                if (System.nanoTime() - started > Duration.ofMinutes(30).toNanos()) {
                    throw new IllegalStateException("log-service did not apply its backlog in 30 minutes");
                }
                Thread.sleep(100);
            }
            long transactions = Math.round(Metrics.sum(stack, "log-service", "casetrail_consumer_transactions_total",
                    "consumer=\"internal-log\""));
            result.put("storedEvents", stored);
            result.put("caseTopicRecords", caseRecords);
            result.put("requestLogRecords", logRecords);
            result.put("plainConsumerRecordsPerSecond", Bench.round(plainRate));
            internalLog.report(result.putObject("internalLog"), plainRate);
            knownCases.report(result.putObject("knownCases"), plainRate);
            result.put("internalLogTransactions", transactions);
            System.out.printf("replay: internal log %.0f records/s over the last %d (whole run %.0f), known cases"
                    + " %.0f records/s over the last %d (whole run %.0f) | plain consumer %.0f records/s of %d |"
                    + " ratios %.3f and %.3f | internal log: %d transactions for %d records%n",
                    internalLog.warmRate(), internalLog.total - internalLog.total / 2, internalLog.wholeRate(),
                    knownCases.warmRate(), knownCases.total - knownCases.total / 2, knownCases.wholeRate(),
                    plainRate, caseRecords + logRecords, internalLog.warmRate() / plainRate,
                    knownCases.warmRate() / plainRate, transactions, internalLog.total);
        }
    }

    /** One consumer's way through its backlog, read from its applied and duplicates counters. */
    private static final class Progress {
        final String consumer;
        final long total;
        long firstAt = -1;
        long halfAt = -1;
        double atHalf;
        long endAt = -1;
        double first;

        Progress(String consumer, long total) {
            this.consumer = consumer;
            this.total = total;
        }

        void poll(BenchStack stack) throws Exception {
            if (done()) {
                return;
            }
            String label = "consumer=\"" + consumer + "\"";
            double seen = Metrics.sum(stack, "log-service", "casetrail_consumer_applied_events_total", label)
                    + Metrics.sum(stack, "log-service", "casetrail_consumer_duplicates_events_total", label);
            long now = System.nanoTime();
            if (firstAt < 0 && seen > 0) {
                firstAt = now;
                first = seen;
            }
            if (halfAt < 0 && seen >= total / 2) {
                halfAt = now;
                atHalf = seen;
            }
            if (seen >= total) {
                endAt = now;
            }
        }

        boolean done() {
            return endAt >= 0;
        }

        double wholeRate() {
            return (total - first) / ((endAt - firstAt) / 1e9);
        }

        double warmRate() {
            return endAt == halfAt ? wholeRate() : (total - atHalf) / ((endAt - halfAt) / 1e9);
        }

        void report(ObjectNode node, double plainRate) {
            node.put("records", total);
            node.put("recordsPerSecond", Bench.round(warmRate()));
            node.put("wholeRunRecordsPerSecond", Bench.round(wholeRate()));
            node.put("ratio", Math.round(warmRate() / plainRate * 10_000) / 10_000.0);
        }
    }

    /** Records a second of a plain consumer reading both topics from the beginning to their ends. */
    private static double plainRead(String bootstrap) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        long total = RelayBench.records(bootstrap, CASE_TOPIC) + RelayBench.records(bootstrap, LOG_TOPIC);
        long read = 0;
        long started = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            // assigned, not subscribed: no group to join (log-service's consumers are timed from their first record)
            List<TopicPartition> partitions = java.util.stream.Stream.of(CASE_TOPIC, LOG_TOPIC)
                    .flatMap(topic -> consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (read < total) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                read += records.count();
                if (System.nanoTime() - started > Duration.ofMinutes(10).toNanos()) {
                    throw new IllegalStateException("the plain read did not reach the topics' ends");
                }
            }
        }
        return read / ((System.nanoTime() - started) / 1e9);
    }
}
