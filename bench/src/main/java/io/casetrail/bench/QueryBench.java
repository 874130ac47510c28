package io.casetrail.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.casetrail.platform.security.Roles;
import io.casetrail.testing.Links;
import io.casetrail.testing.TokenMinter;

/**
 * System Log queries over one million entries of one org ({@code GET /orgs/{org}/api/v1/logs}, bounded to the last
 * seven days, 100 entries a page): by event type, by target id, by keyword, and paging through with {@code after}.
 * The entries are copies of real ones (API tokens created and revoked through support-access-service, mapped by
 * log-service), with their own uuids, 10,000 different targets and publication times spread over six days.
 */
final class QueryBench {

    static final String ORG = "org-bench";
    static final int TARGETS = 10_000;

    private QueryBench() {
    }

    static void run(Path root, ObjectNode result) throws Exception {
        long entries = Long.getLong("bench.queries.entries", 1_000_000);
        int repeat = Integer.getInteger("bench.queries.repeat", 200);
        TokenMinter mint = TokenMinter.forTests();
        String admin = mint.token("super-bench").role(Roles.ORG_SUPER_ADMIN).org(ORG).name("Bench").sign();
        String auditor = mint.token("aud-bench").role(Roles.AUDITOR).name("Bench").sign();
        try (BenchStack stack = new BenchStack(root, "support-access-service", "log-service")) {
            for (int i = 0; i < 3; i++) {
                String id = Bench.JSON.readTree(stack.post("support-access-service", "/org-api-tokens", admin,
                        "{\"name\":\"SIEM " + i + "\"}").body()).path("id").asText();
                if (i == 0) {
                    int status = BenchStack.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            stack.url("support-access-service") + "/org-api-tokens/" + id)).DELETE()
                            .header("Authorization", "Bearer " + admin).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status / 100 != 2) {
                        throw new IllegalStateException("revoking answered " + status);
                    }
                }
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (Bench.JSON.readTree(stack.get("log-service", "/orgs/" + ORG + "/api/v1/logs", auditor)).size() < 4) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the template entries did not reach the System Log");
                }
                Thread.sleep(200);
            }
            fill(stack, entries);

            String since = Instant.now().minus(7, ChronoUnit.DAYS).toString();
            String until = Instant.now().plus(1, ChronoUnit.HOURS).toString();
            String bounded = "/orgs/" + ORG + "/api/v1/logs?limit=100&since=" + since + "&until=" + until;
            // the fill's entries are 500 ms apart, the newest now: a query from the i-th of 1000 points in that span
            // reads a part of the million no other query of its kind read before
            Instant oldest = Instant.now().minusMillis(entries * 500);
            IntFunction<String> spread = i -> "/orgs/" + ORG + "/api/v1/logs?limit=100&since="
                    + oldest.plusMillis(i * 7919L % 1000 * (entries / 2)) + "&until=" + until;
            ArrayNode rows = result.putArray("results");
            result.put("entries", entries);
            result.put("requestsPerQuery", repeat);
            measure(stack, auditor, rows, "by event type", repeat, null, i -> spread.apply(i) + "&filter=" + encode(
                    "eventType eq \"" + (i % 2 == 0 ? "system.api_token.revoke" : "system.api_token.create") + "\""));
            measure(stack, auditor, rows, "by target id", repeat, null, i -> bounded + "&filter=" + encode(
                    "target.id eq \"bench-target-" + (i * 37 % TARGETS) + "\""));
            measure(stack, auditor, rows, "by keyword", repeat, null, i -> bounded + "&q=" + encode(
                    "bench-target-" + (i * 53 % TARGETS)));
            // page after page by the next links, newest entries last: twenty pages from each of points spread over the
            // whole window (the first page of each by since, the others by the cursor of the one before)
            String[] cursor = {bounded};
            measure(stack, auditor, rows, "paged (after)", repeat, cursor, i -> i % 20 == 0 ? spread.apply(i)
                    : cursor[0]);
        }
    }

    /** Runs {@code repeat} requests (after 10 to warm up); with a cursor, each follows the previous answer's next link. */
    private static void measure(BenchStack stack, String auditor, ArrayNode rows, String name, int repeat,
                                String[] cursor, IntFunction<String> path) throws Exception {
        Latencies latencies = new Latencies();
        long matched = 0;
        for (int i = -10; i < repeat; i++) {
            String request = path.apply(Math.max(i, 0) + (i < 0 ? 1000 : 0));
            long sent = System.nanoTime();
            var response = BenchStack.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    stack.url("log-service") + request)).header("Authorization", "Bearer " + auditor).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - sent;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(request + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            if (i >= 0) {
                latencies.add(took);
                matched += Bench.JSON.readTree(response.body()).size();
            }
            if (cursor != null) {
                cursor[0] = Links.nextPath(response.headers().allValues("link"), "/orgs/").orElse(cursor[0]);
            }
        }
        ObjectNode row = rows.addObject();
        row.put("query", name);
        row.put("p50Ms", Bench.round(latencies.percentileMs(50)));
        row.put("p99Ms", Bench.round(latencies.percentileMs(99)));
        row.put("meanEntriesPerAnswer", Bench.round(matched / (double) repeat));
        System.out.printf("%-14s p50 %6.2f ms  p99 %6.2f ms  (%.0f entries an answer)%n", name,
                latencies.percentileMs(50), latencies.percentileMs(99), matched / (double) repeat);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Copies the org's real entries until it holds {@code entries}, with their targets and keywords. */
    static void fill(BenchStack stack, long entries) throws Exception {
        long started = System.nanoTime();
        long now = System.currentTimeMillis();
        try (Connection db = stack.database("log-service", true); Statement sql = db.createStatement()) {
            sql.execute("CREATE TEMP TABLE template AS SELECT row_number() OVER (ORDER BY e.seq) - 1 AS n, e.*,"
                    + " (SELECT min(t.target_id) FROM system_log_target t WHERE t.seq = e.seq) AS target_id"
                    + " FROM system_log_event e WHERE e.org_id = '" + ORG + "'");
            long templates = EventStore.count(sql, "SELECT count(*) FROM template");
            sql.execute("INSERT INTO system_log_event (uuid, org_id, published_ms, ingested_ms, event_type, severity,"
                    + " actor_id, outcome_result, body)"
                    + " SELECT 'bench-' || t.seq || '-' || g, t.org_id, " + now + " - (" + entries + " - g) * 500,"
                    + " " + now + " - (" + entries + " - g) * 500, t.event_type, t.severity, t.actor_id,"
                    + " t.outcome_result, replace(replace(t.body, t.uuid, 'bench-' || t.seq || '-' || g),"
                    + " t.target_id, 'bench-target-' || (g % " + TARGETS + "))"
                    + " FROM generate_series(1, " + entries + ") g JOIN template t ON t.n = g % " + templates
                    + " ORDER BY g");
            sql.execute("INSERT INTO system_log_target (seq, org_id, target_id)"
                    + " SELECT e.seq, e.org_id, 'bench-target-' || (split_part(e.uuid, '-', 3)::bigint % "
                    + TARGETS + ") FROM system_log_event e WHERE e.uuid LIKE 'bench-%'");
            sql.execute("INSERT INTO system_log_keyword (seq, org_id, keyword)"
                    + " SELECT DISTINCT e.seq, e.org_id, CASE WHEN k.keyword = lower(t.target_id)"
                    + " THEN 'bench-target-' || (split_part(e.uuid, '-', 3)::bigint % " + TARGETS + ")"
                    + " WHEN k.keyword = lower(t.uuid) THEN lower(e.uuid) ELSE k.keyword END"
                    + " FROM system_log_event e JOIN template t ON t.seq = split_part(e.uuid, '-', 2)::bigint"
                    + " JOIN system_log_keyword k ON k.seq = t.seq WHERE e.uuid LIKE 'bench-%'");
            sql.execute("ANALYZE system_log_event");
            sql.execute("ANALYZE system_log_target");
            sql.execute("ANALYZE system_log_keyword");
            System.out.printf("System Log: %d entries (%d templates), %d keyword rows, in %.1f s%n",
                    EventStore.count(sql, "SELECT count(*) FROM system_log_event"), templates,
                    EventStore.count(sql, "SELECT count(*) FROM system_log_keyword"),
                    (System.nanoTime() - started) / 1e9);
        }
    }
}
