package io.casetrail.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
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
        // the first seconds are the JIT's: the delays of a cold JVM are several times the steady ones
        Duration warmup = Duration.ofSeconds(Long.getLong("bench.warmup", 20));
        Duration measure = Duration.ofSeconds(Long.getLong("bench.seconds", 30));
        TokenMinter mint = TokenMinter.forTests();
        String admin = mint.token("super-bench").role(Roles.ORG_SUPER_ADMIN).org("org-bench").name("Bench").sign();
        String auditor = mint.token("aud-bench").role(Roles.AUDITOR).name("Bench").sign();
        try (BenchStack stack = new BenchStack(root, "support-access-service", "log-service")) {
            Map<String, Long> answeredAt = new ConcurrentHashMap<>();
            Map<String, Boolean> measured = new ConcurrentHashMap<>();
            Map<String, Long> seenAt = new ConcurrentHashMap<>();
            long start = System.nanoTime();
            long measureFrom = start + warmup.toNanos();
            long end = measureFrom + measure.toNanos();
            java.util.concurrent.atomic.AtomicBoolean loadDone = new java.util.concurrent.atomic.AtomicBoolean();
            Thread reader = new Thread(() -> tail(stack, auditor, measured, seenAt, loadDone), "system-log-reader");
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
                        if (answer.statusCode() != 201) {
                            if (inWindow) {
                                errors.incrementAndGet();
                            }
                            return;
                        }
                        String id = Bench.JSON.readTree(answer.body()).path("id").asText();
                        answeredAt.put(id, now);
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
            System.out.printf("end-to-end at %d commands/s: %d of %d entries seen; p50 %.1f ms, p99 %.1f ms, max %.1f"
                    + " ms%n", rate, delays.count() - notSeen, sent.get(), delays.percentileMs(50),
                    delays.percentileMs(99), delays.percentileMs(100));
        }
    }

    /** Tails the org's System Log, noting when each target was first seen, until every measured one was. */
    private static void tail(BenchStack stack, String auditor, Map<String, Boolean> measured, Map<String, Long> seenAt,
                             java.util.concurrent.atomic.AtomicBoolean loadDone) {
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
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("the System Log answered " + response.statusCode() + ": "
                            + response.body());
                }
                JsonNode entries = Bench.JSON.readTree(response.body());
                for (JsonNode entry : entries) {
                    for (JsonNode target : entry.path("target")) {
                        seenAt.putIfAbsent(target.path("id").asText(), now);
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
