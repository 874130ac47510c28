package io.casetrail.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.casetrail.platform.security.Roles;
import io.casetrail.testing.Links;
import io.casetrail.testing.TokenMinter;

/**
 * End-to-end delay at a steady load: from a command's 2xx (an org's Super Administrator creating an API token on
 * support-access-service) to its entry being readable in the org's System Log on log-service (a reader tailing
 * {@code GET /orgs/{org}/api/v1/logs} in polling mode, as a SIEM does). The path: store, relay, Kafka, log-service's
 * consumer, the System Log's tables, the API.
 */
final class EndToEndBench {

    private EndToEndBench() {
    }

    static void run(Path root, ObjectNode result) throws Exception {
        int rate = Integer.getInteger("bench.e2e.rate", 20);
        // steady load: the first minute is the JIT compilers' (three JVMs on two cores); the run prints the delay by ten
        // seconds from its start, the warm-up included (docs/benchmarks.md)
        Duration warmup = Duration.ofSeconds(Long.getLong("bench.warmup", 90));
        Duration measure = Duration.ofSeconds(Long.getLong("bench.seconds", 30));
        TokenMinter mint = TokenMinter.forTests();
        String admin = mint.token("super-bench").role(Roles.ORG_SUPER_ADMIN).org("org-bench").name("Bench").sign();
        String auditor = mint.token("aud-bench").role(Roles.AUDITOR).name("Bench").sign();
        try (BenchStack stack = new BenchStack(root, "support-access-service", "log-service")) {
            Map<String, Long> answeredAt = new ConcurrentHashMap<>();
            Map<String, Boolean> measured = new ConcurrentHashMap<>();
            Map<String, Long> seenAt = new ConcurrentHashMap<>();
            // the same moments by the wall clock, which the services' own records of the path share (one host)
            Map<String, Long> answeredAtWall = new ConcurrentHashMap<>();
            Map<String, Long> seenAtWall = new ConcurrentHashMap<>();
            long start = System.nanoTime();
            long measureFrom = start + warmup.toNanos();
            long end = measureFrom + measure.toNanos();
            java.util.concurrent.atomic.AtomicBoolean loadDone = new java.util.concurrent.atomic.AtomicBoolean();
            Thread reader = new Thread(() -> tail(stack, auditor, measured, seenAt, seenAtWall, loadDone),
                    "system-log-reader");
            reader.start();
            // commands at a fixed rate, each sent at its time by one of a few client threads (an answer that takes
            // longer than the period does not hold back the next command)
            long period = 1_000_000_000L / rate;
            java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong errors = new java.util.concurrent.atomic.AtomicLong();
            // sends that left more than 10 ms after their time: the schedule slipped (the answers were too slow)
            java.util.concurrent.atomic.AtomicLong late = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.ScheduledExecutorService clients = java.util.concurrent.Executors
                    .newScheduledThreadPool(8);
            for (long i = 0; i * period < end - start; i++) {
                long n = i;
                long due = start + i * period;
                boolean inWindow = due >= measureFrom;
                clients.schedule(() -> {
                    if (inWindow && System.nanoTime() - due > 10_000_000L) {
                        late.incrementAndGet();
                    }
                    try {
                        var answer = stack.post("support-access-service", "/org-api-tokens", admin,
                                "{\"name\":\"bench-" + n + "\"}");
                        long now = System.nanoTime();
                        long wall = System.currentTimeMillis();
                        if (answer.statusCode() != 201) {
                            if (inWindow) {
                                errors.incrementAndGet();
                            }
                            return;
                        }
                        String id = Bench.JSON.readTree(answer.body()).path("id").asText();
                        answeredAt.put(id, now);
                        answeredAtWall.put(id, wall);
                        if (inWindow) {
                            measured.put(id, true);
                            sent.incrementAndGet();
                        }
                    } catch (Exception e) {
                        if (inWindow) {
                            errors.incrementAndGet();
                        }
                    }
                }, due - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            clients.shutdown();
            clients.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES);
            loadDone.set(true);
            reader.join(Duration.ofSeconds(90).toMillis());
            Latencies delays = new Latencies();
            long readBeforeAnswer = 0;
            long notSeen = 0;
            long gaveUp = System.nanoTime();
            for (String id : measured.keySet()) {
                Long seen = seenAt.get(id);
                if (seen == null) {
                    // never read: it counts with the time it was waited for, at least (its delay is more)
                    notSeen++;
                    delays.add(gaveUp - answeredAt.get(id));
                } else if (seen < answeredAt.get(id)) {
                    // read before its command's answer reached the client: no delay
                    readBeforeAnswer++;
                    delays.add(0);
                } else {
                    delays.add(seen - answeredAt.get(id));
                }
            }
            measured.keySet().stream().filter(id -> !seenAt.containsKey(id)).limit(3)
                    .forEach(id -> System.out.println("not seen in the System Log: " + id));
            result.put("ratePerSecond", rate);
            result.put("measureSeconds", measure.toSeconds());
            result.put("commands", sent.get());
            result.put("errors", errors.get());
            result.put("entriesSeen", delays.count() - notSeen);
            result.put("entriesNotSeen", notSeen);
            result.put("entriesReadBeforeTheAnswer", readBeforeAnswer);
            result.put("sendsLate", late.get());
            result.put("p50Ms", Bench.round(delays.percentileMs(50)));
            result.put("p99Ms", Bench.round(delays.percentileMs(99)));
            result.put("maxMs", Bench.round(delays.percentileMs(100)));
            result.set("slices", slices(start, answeredAt, seenAt));
            result.set("stages", stages(stack, measured.keySet(), answeredAtWall, seenAtWall));
            System.out.printf("end-to-end at %d commands/s: %d of %d entries seen; p50 %.1f ms, p99 %.1f ms, max %.1f"
                    + " ms%n", rate, delays.count() - notSeen, sent.get(), delays.percentileMs(50),
                    delays.percentileMs(99), delays.percentileMs(100));
        }
    }

    /**
     * The delay by ten-second slice of the whole run, the warm-up included (by when the command was answered): how
     * long the services take to settle (their JIT compilers, on two cores shared with the broker and the database).
     */
    private static ArrayNode slices(long start, Map<String, Long> answered, Map<String, Long> seen) {
        long slice = Duration.ofSeconds(10).toNanos();
        Map<Long, Latencies> bySlice = new TreeMap<>();
        answered.forEach((id, at) -> {
            Long seenAt = seen.get(id);
            if (seenAt != null) {
                bySlice.computeIfAbsent((at - start) / slice, n -> new Latencies()).add(Math.max(0, seenAt - at));
            }
        });
        ArrayNode slices = Bench.JSON.createArrayNode();
        StringBuilder line = new StringBuilder("  p50 / p99 by 10 s of the run (warm-up included), ms:");
        bySlice.forEach((n, delays) -> {
            slices.addObject().put("fromSecond", n * 10).put("entries", delays.count())
                    .put("p50Ms", Bench.round(delays.percentileMs(50)))
                    .put("p99Ms", Bench.round(delays.percentileMs(99)));
            line.append(String.format(" %.0f/%.0f", delays.percentileMs(50), delays.percentileMs(99)));
        });
        System.out.println(line);
        return slices;
    }

    /**
     * Where the delay goes, by the wall clock (milliseconds, one host): from the command's answer to its event's record
     * on the topic (the record's time: when the relay sent it; 0 when it was sent before the answer arrived), from
     * there to its System Log entry written (the entry's {@code ingested_ms}), and from there to the reader's first
     * sight of it. Percentiles over the measured commands whose entry was seen.
     */
    private static ObjectNode stages(BenchStack stack, Set<String> ids, Map<String, Long> answered,
                                     Map<String, Long> seen) throws Exception {
        Map<String, Long> sent = recordTimes(stack.kafka(), "casetrail.access.v1", ids);
        Map<String, Long> written = new HashMap<>();
        try (Connection db = stack.database("log-service", true);
             Statement sql = db.createStatement();
             ResultSet rows = sql.executeQuery("SELECT t.target_id, e.ingested_ms FROM system_log_event e"
                     + " JOIN system_log_target t ON t.seq = e.seq WHERE e.org_id = 'org-bench'")) {
            while (rows.next()) {
                written.put(rows.getString(1), rows.getLong(2));
            }
        }
        Latencies toTopic = new Latencies();
        Latencies toEntry = new Latencies();
        Latencies toReader = new Latencies();
        for (String id : ids) {
            if (seen.containsKey(id) && sent.containsKey(id) && written.containsKey(id)) {
                toTopic.add(Math.max(0, sent.get(id) - answered.get(id)) * 1_000_000L);
                toEntry.add(Math.max(0, written.get(id) - sent.get(id)) * 1_000_000L);
                toReader.add(Math.max(0, seen.get(id) - written.get(id)) * 1_000_000L);
            }
        }
        ObjectNode stages = Bench.JSON.createObjectNode();
        stages.put("commands", toTopic.count());
        for (Map.Entry<String, Latencies> stage : List.of(Map.entry("answerToTopic", toTopic),
                Map.entry("topicToEntryWritten", toEntry), Map.entry("entryWrittenToRead", toReader))) {
            stages.put(stage.getKey() + "P50Ms", Bench.round(stage.getValue().percentileMs(50)));
            stages.put(stage.getKey() + "P99Ms", Bench.round(stage.getValue().percentileMs(99)));
        }
        System.out.printf("  of which, p50 / p99: answer to topic %.0f / %.0f ms, topic to entry written %.0f / %.0f ms,"
                + " entry written to read %.0f / %.0f ms%n", toTopic.percentileMs(50), toTopic.percentileMs(99),
                toEntry.percentileMs(50), toEntry.percentileMs(99), toReader.percentileMs(50),
                toReader.percentileMs(99));
        return stages;
    }

    /** The time of each token's creation record on the topic (the producer's send), by token id. */
    private static Map<String, Long> recordTimes(String bootstrap, String topic, Set<String> ids) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-e2e-stages-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Map<String, Long> times = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!times.keySet().containsAll(ids) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        String id = Bench.JSON.readTree(record.value()).path("tokenId").asText();
                        if (ids.contains(id)) {
                            times.put(id, record.timestamp());
                        }
                    } catch (IOException notJson) {
                        // not an event of ours: skipped
                    }
                }
            }
        }
        return times;
    }

    /** Tails the org's System Log, noting when each target was first seen, until every measured one was. */
    private static void tail(BenchStack stack, String auditor, Map<String, Boolean> measured, Map<String, Long> seenAt,
                             Map<String, Long> seenAtWall, java.util.concurrent.atomic.AtomicBoolean loadDone) {
        String next = "/orgs/org-bench/api/v1/logs?limit=1000";
        long giveUp = Long.MAX_VALUE;
        try {
            while (System.nanoTime() < giveUp) {
                if (loadDone.get() && giveUp == Long.MAX_VALUE) {
                    giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                }
                var response = BenchStack.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        stack.url("log-service") + next)).header("Authorization", "Bearer " + auditor).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                long now = System.nanoTime();
                long wall = System.currentTimeMillis();
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("the System Log answered " + response.statusCode() + ": "
                            + response.body());
                }
                JsonNode entries = Bench.JSON.readTree(response.body());
                for (JsonNode entry : entries) {
                    for (JsonNode target : entry.path("target")) {
                        seenAt.putIfAbsent(target.path("id").asText(), now);
                        seenAtWall.putIfAbsent(target.path("id").asText(), wall);
                    }
                }
                next = Links.nextPath(response.headers().allValues("link"), "/orgs/").orElse(next);
                if (loadDone.get() && !measured.isEmpty() && seenAt.keySet().containsAll(
                        measured.keySet())) {
                    return;
                }
                if (entries.isEmpty()) {
                    Thread.sleep(5);
                }
            }
        } catch (Exception e) {
            e.printStackTrace();
            throw new IllegalStateException(e);
        }
        System.out.println("the reader gave up a minute after the load, at " + next);
    }
}
