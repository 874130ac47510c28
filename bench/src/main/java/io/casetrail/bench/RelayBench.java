package io.casetrail.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.tools.ProducerPerformance;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The relay's throughput (events from case-service's store to {@code casetrail.case.v1}, acks=all, acknowledged
 * before its token moves) against Kafka's own {@code kafka-producer-perf-test} with the same number of records of
 * the same size, acks=all, on the same broker and a topic with the same partitions.
 *
 * <p>Both run warm. The perf test runs twice and its second run counts; the relay publishes a warm-up million
 * first ({@code bench.relay.warmup-events}) and its rate is taken over the million after it (case-service has just
 * started: its JIT compiler, and the broker's, take most of a core for the first 20 seconds). The whole run's rate
 * is reported too. The same size is the size of the relay's records as the broker stores them: key, value and
 * CloudEvent headers (sampled from the topic), since the perf test's records carry all their bytes in the value.
 */
final class RelayBench {

    private RelayBench() {
    }

    static void run(Path root, ObjectNode result) throws Exception {
        long events = Long.getLong("bench.relay.events", 1_000_000);
        long warmup = Long.getLong("bench.relay.warmup-events", 1_000_000);
        try (BenchStack stack = new BenchStack(root, "case-service")) {
            EventStore.seed(stack, 1000);
            stack.stop("case-service");
            long onTheTopic = records(stack.kafka(), "casetrail.case.v1"); // the seeded cases', published once
            long stored = EventStore.fill(stack, warmup + events);
            long payloadSize;
            try (Connection db = stack.database("case-service", true); Statement sql = db.createStatement()) {
                payloadSize = EventStore.count(sql, "SELECT avg(octet_length(payload))::bigint FROM domainevententry");
                // the relay starts over from the first event: every stored event is published again
                EventStore.token(sql, "kafka-relay", 0);
            }
            long started = System.nanoTime();
            stack.start("case-service");
            // the whole run, from the first acknowledged event, and the warm rate after the warm-up events
            double first = -1;
            long firstAt = 0;
            double warm = -1;
            long warmAt = 0;
            double published;
            while (true) {
                published = Metrics.sum(stack, "case-service", "casetrail_relay_published_events_total", "");
                double lag = Metrics.sum(stack, "case-service", "casetrail_processor_lag_events", "kafka-relay");
                long now = System.nanoTime();
                if (first < 0 && published > 0) {
                    first = published;
                    firstAt = now;
                }
                if (warm < 0 && published >= stored - events) {
                    warm = published;
                    warmAt = now;
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
            // every stored event published once more, none twice, none lost: the topic holds exactly that many
            // records more (the producer is idempotent; a relay that sent a batch again would show here)
            long addedToTopic = records(stack.kafka(), "casetrail.case.v1") - onTheTopic;
            double wholeRate = (published - first) / ((endedAt - firstAt) / 1e9);
            // a run too short to see the warm-up end before the end has no warm part: its whole-run rate stands in
            double relayRate = warm < 0 || warm >= published ? wholeRate
                    : (published - warm) / ((endedAt - warmAt) / 1e9);
            long recordSize = meanRecordSize(stack.kafka(), "casetrail.case.v1", 10_000);
            int partitions;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka()))) {
                partitions = admin.describeTopics(List.of("casetrail.case.v1")).allTopicNames().get()
                        .get("casetrail.case.v1").partitions().size();
                admin.createTopics(List.of(new NewTopic("bench-perf", Optional.of(partitions), Optional.empty())))
                        .all().get();
            }
            // twice, the second counts: the first warms this JVM's producer code, as the relay's first half did
            producerPerfTest(stack.kafka(), events, recordSize);
            double perfRate = producerPerfTest(stack.kafka(), events, recordSize);
            result.put("events", events);
            result.put("warmupEvents", stored - events);
            result.put("recordSizeBytes", recordSize);
            result.put("payloadSizeBytes", payloadSize);
            result.put("partitions", partitions);
            result.put("relayEventsPerSecond", Bench.round(relayRate));
            result.put("relayWholeRunEventsPerSecond", Bench.round(wholeRate));
            result.put("producerPerfTestRecordsPerSecond", Bench.round(perfRate));
            result.put("ratio", Bench.round(relayRate / perfRate));
            result.put("storedEvents", stored);
            result.put("recordsAddedToTopic", addedToTopic);
            if (addedToTopic != stored) {
                System.out.printf("relay: the topic holds %d records more, not the %d events stored%n", addedToTopic,
                        stored);
            }
            System.out.printf("relay: %.0f events/s over the last %d (%.0f over the whole run of %d) |"
                    + " kafka-producer-perf-test: %.0f records/s (%d records of %d bytes, acks=all, %d partitions) |"
                    + " ratio %.2f%n", relayRate, events, wholeRate, stored, perfRate, events, recordSize,
                    partitions, relayRate / perfRate);
        }
    }

    /** How many records a topic holds: its partitions' end offsets added up (nothing is deleted in a run). */
    static long records(String bootstrap, String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * The mean size of the first {@code sample} records of a topic as the producer counts them: key, value, and
     * each header's key and value.
     */
    static long meanRecordSize(String bootstrap, String topic, int sample) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-record-size-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        long bytes = 0;
        int records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (records < sample && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    bytes += (record.key() == null ? 0 : record.key().length)
                            + (record.value() == null ? 0 : record.value().length);
                    for (Header header : record.headers()) {
                        bytes += header.key().getBytes(StandardCharsets.UTF_8).length + header.value().length;
                    }
                    records++;
                }
            }
        }
        if (records == 0) {
            throw new IllegalStateException("no record on " + topic + " to measure");
        }
        return Math.round((double) bytes / records);
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
