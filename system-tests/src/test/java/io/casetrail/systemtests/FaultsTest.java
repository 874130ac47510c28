package io.casetrail.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.casetrail.events.Topics;
import io.casetrail.platform.security.Roles;
import io.casetrail.testing.Links;
import io.casetrail.testing.TopicReader;
import io.restassured.response.Response;

/**
 * Faults, each followed by the same question: is every command that was answered 2xx in case-service's store, on
 * its topic and in every projection that shows it (case-service's own list, support-access-service's list of the
 * org's open cases, log-service's internal logs), exactly once? A stream of customers opening cases runs while a
 * service is killed with SIGKILL, while the broker is stopped and started again, and while a service's database is
 * cut off; log-service's consumer groups are also reset to the beginning of every topic.
 */
class FaultsTest extends StackTest {

    static final Duration RECOVERY = Duration.ofSeconds(180);
    static final String OPENED = "io.casetrail.case.opened.v1";
    static final String ASSIGNED = "io.casetrail.case.assigned.v1";
    static final String AUDITOR = MINT.token("aud-ari").role(Roles.AUDITOR).sign();

    @Test
    void aServiceKilledMidStreamLosesNothingItAnswered() throws Exception {
        Org org = new Org("kill");
        try (CommandStream stream = new CommandStream(org, 2)) {
            stream.awaitAnswered(10);
            stack.kill("case-service");
            int beforeRestart = stream.answered().size();
            stack.restart("case-service");
            stream.awaitAnswered(beforeRestart + 10);
            assertThat(stream.failed()).as("commands refused while the service was down").isPositive();
            // and a consumer killed in the middle of the stream: log-service, while case-service goes on answering
            stack.kill("log-service");
            stream.awaitAnswered(stream.answered().size() + 10);
            stack.restart("log-service");
            stream.awaitAnswered(stream.answered().size() + 10);
        }
        everyAnsweredCommandIsEverywhereOnce(org);
    }

    @Test
    void theBrokerStoppedAndStartedUnderLoadLosesNothing() throws Exception {
        Org org = new Org("broker");
        try (CommandStream stream = new CommandStream(org, 2)) {
            stream.awaitAnswered(10);
            stack.stopKafka();
            int beforeStop = stream.answered().size();
            // the services keep taking commands: their events wait in the store for the relay
            stream.awaitAnswered(beforeStop + 10);
            stack.startKafka();
            stream.awaitAnswered(stream.answered().size() + 10);
        }
        everyAnsweredCommandIsEverywhereOnce(org);
    }

    @Test
    void aDatabaseOutageTakesReadinessDownAndLosesNothing() throws Exception {
        assumeTrue(stack.onPostgres(), "needs PostgreSQL behind a proxy");
        Org org = new Org("db");
        try (CommandStream stream = new CommandStream(org, 2)) {
            stream.awaitAnswered(10);
            stack.cutDatabase("case-service");
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> stack.readiness("case-service") == 503);
                int failedBefore = stream.failed();
                await().atMost(Duration.ofSeconds(60)).until(() -> stream.failed() > failedBefore + 5);
            } finally {
                stack.restoreDatabase("case-service");
            }
            await().atMost(RECOVERY).until(() -> stack.readiness("case-service") == 200);
            stream.awaitAnswered(stream.answered().size() + 10);
        }
        everyAnsweredCommandIsEverywhereOnce(org);
    }

    @Test
    void log_servicesConsumerGroupsResetToTheBeginningShowNothingTwice() throws Exception {
        Org org = new Org("reset");
        try (CommandStream stream = new CommandStream(org, 1)) {
            stream.awaitAnswered(5);
        }
        // and one System Log entry: the org's Super Administrator creates an API token
        as(org.superAdmin).body("{\"name\":\"SIEM\"}").post(url("support-access-service", "/org-api-tokens")).then()
                .statusCode(201);
        everyAnsweredCommandIsEverywhereOnce(org);
        await().atMost(RECOVERY).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                as(org.superAdmin).get(url("log-service", "/api/v1/logs")).then().statusCode(200).extract()
                        .jsonPath().getList("eventType", String.class)).containsExactly("system.api_token.create"));
        String systemLogBefore = systemLog(org);
        List<String> eventsBefore = internalLogEvents(org.id);

        stack.stop("log-service");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka()))) {
            List<String> groups = admin.listConsumerGroups().all().get().stream()
                    .map(ConsumerGroupListing::groupId).filter(g -> g.startsWith("log-service.")).toList();
            assertThat(groups).contains("log-service.system-log", "log-service.internal-log");
            for (String group : groups) {
                await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeConsumerGroups(List.of(group)).all()
                        .get().get(group).members().isEmpty());
                Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, group);
                Map<TopicPartition, OffsetAndMetadata> beginning = new HashMap<>();
                committed.keySet().forEach(tp -> beginning.put(tp, new OffsetAndMetadata(0)));
                admin.alterConsumerGroupOffsets(group, beginning).all().get();
                assertThat(committed(admin, group).values()).extracting(OffsetAndMetadata::offset).containsOnly(0L);
            }
            stack.restart("log-service");

            // the replay has caught up once every group has committed the end of every partition it reads
            for (String group : groups) {
                await().atMost(RECOVERY).untilAsserted(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, group);
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                    var ends = admin.listOffsets(latest).all().get();
                    assertThat(committed).isNotEmpty().allSatisfy((tp, offset) ->
                            assertThat(offset.offset()).as(group + " " + tp).isEqualTo(ends.get(tp).offset()));
                });
            }
        }
        // nothing showed twice
        assertThat(systemLog(org)).isEqualTo(systemLogBefore);
        assertThat(internalLogEvents(org.id)).isEqualTo(eventsBefore);
        as(AUDITOR).get(url("log-service", "/internal-logs/verify")).then().statusCode(200)
                .body("verified", equalTo(true));
        // and what comes next shows once: a second token, a second entry
        as(org.superAdmin).body("{\"name\":\"SIEM 2\"}").post(url("support-access-service", "/org-api-tokens"))
                .then().statusCode(201);
        await().atMost(RECOVERY).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            var log = as(org.superAdmin).get(url("log-service", "/api/v1/logs")).then().statusCode(200).extract()
                    .jsonPath();
            assertThat(log.getList("eventType", String.class)).containsExactly("system.api_token.create",
                    "system.api_token.create");
            assertThat(log.getList("uuid", String.class)).doesNotHaveDuplicates();
        });
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }

    // --- the question asked after every fault ------------------------------------------------------------------

    private static void everyAnsweredCommandIsEverywhereOnce(Org org) throws Exception {
        Set<String> answered = org.answered;
        assertThat(answered).isNotEmpty();

        // the store: one CaseOpened for every answered command (and for any committed whose answer was lost)
        Set<String> stored = answered;
        if (stack.onPostgres()) {
            Map<String, Integer> opened = openedInStore(org.id);
            assertThat(opened.keySet()).containsAll(answered);
            assertThat(opened.values()).allMatch(n -> n == 1);
            stored = opened.keySet();
        }
        Set<String> expected = stored;

        // the topic
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(stack.kafka(), Topics.CASE,
                read -> openedOnTopic(read).containsAll(expected), RECOVERY);
        assertThat(openedOnTopic(records)).containsAll(expected);

        // case-service's own read model, support-access-service's and log-service's: each case exactly once; each
        // assignment answered shows
        await().atMost(RECOVERY).untilAsserted(() -> {
            List<Map<String, Object>> listed = caseList(org);
            assertThat(listed.stream().map(c -> (String) c.get("caseNumber")))
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(listed.stream().filter(c -> org.assigned.contains(c.get("caseNumber"))))
                    .hasSize(org.assigned.size()).allSatisfy(c -> assertThat(List.of(c.get("status"),
                            c.get("assignee"))).containsExactly("OPEN", "tse-tom"));
        });
        await().atMost(RECOVERY).untilAsserted(() -> assertThat(as(org.superAdmin).get(url("support-access-service",
                "/api/v1/org/privacy/oktaSupport/cases")).then().statusCode(200).extract().jsonPath()
                .getList("supportCases.caseNumber", String.class)).containsExactlyInAnyOrderElementsOf(expected));
        await().atMost(RECOVERY).untilAsserted(() -> assertThat(as(AUDITOR).queryParam("orgId", org.id)
                .queryParam("type", OPENED).queryParam("limit", 1000).get(url("log-service", "/internal-logs"))
                .then().statusCode(200).extract().jsonPath().getList("caseNumber", String.class))
                .containsExactlyInAnyOrderElementsOf(expected));
        // and each case's timeline, case-service's other projection: its opening once, its assignment once
        for (String caseNumber : expected) {
            await().atMost(RECOVERY).untilAsserted(() -> {
                var timeline = as(LEAD).get(url("case-service", "/cases/" + caseNumber + "/timeline")).then()
                        .statusCode(200).extract().jsonPath();
                assertThat(timeline.getList("type", String.class)).containsOnlyOnce(OPENED);
                if (org.assigned.contains(caseNumber)) {
                    assertThat(timeline.getList("type", String.class)).containsOnlyOnce(ASSIGNED);
                }
                assertThat(timeline.getList("id", String.class)).doesNotHaveDuplicates();
            });
        }
    }

    private static Map<String, Integer> openedInStore(String orgId) throws Exception {
        Map<String, Integer> opened = new HashMap<>();
        try (Connection sql = stack.sql("case-service"); PreparedStatement query = sql.prepareStatement(
                "SELECT aggregateidentifier, payload FROM domainevententry WHERE payloadtype LIKE '%.CaseOpened'")) {
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    if (new String(rows.getBytes(2), StandardCharsets.UTF_8).contains("\"" + orgId + "\"")) {
                        opened.merge(rows.getString(1), 1, Integer::sum);
                    }
                }
            }
        }
        return opened;
    }

    private static Set<String> openedOnTopic(Collection<ConsumerRecord<String, byte[]>> records) {
        return records.stream().filter(r -> OPENED.equals(new String(r.headers().lastHeader("ce_type").value(),
                StandardCharsets.UTF_8))).map(ConsumerRecord::key).collect(Collectors.toSet());
    }

    private static List<Map<String, Object>> caseList(Org org) {
        List<Map<String, Object>> cases = new ArrayList<>();
        String next = url("case-service", "/cases?limit=200");
        while (next != null) {
            Response page = as(org.admin).get(next);
            assertThat(page.statusCode()).isEqualTo(200);
            cases.addAll(page.jsonPath().getList(""));
            next = nextLink(page);
        }
        return cases;
    }

    private static String systemLog(Org org) {
        return as(org.superAdmin).queryParam("since", java.time.Instant.now().minusSeconds(3600).toString())
                .queryParam("limit", 1000)
                .get(url("log-service", "/api/v1/logs")).then().statusCode(200).extract().asString();
    }

    private static List<String> internalLogEvents(String orgId) {
        return as(AUDITOR).queryParam("orgId", orgId).queryParam("limit", 1000).get(url("log-service",
                "/internal-logs")).then().statusCode(200).extract().jsonPath().<Map<String, Object>>getList("")
                .stream().filter(e -> "EVENT".equals(e.get("kind"))).map(e -> e.get("seq") + " " + e.get("entryId"))
                .toList();
    }

    private static String nextLink(Response response) {
        return Links.next(response.getHeaders().getValues("Link")).orElse(null);
    }

    // --- the load ------------------------------------------------------------------------------------------------

    /** An org of its own per test, with a customer admin and a super admin. */
    static final class Org {
        final String id;
        final String admin;
        final String superAdmin;
        final Set<String> answered = ConcurrentHashMap.newKeySet();
        /** The cases whose assignment to Tom was answered 2xx. */
        final Set<String> assigned = ConcurrentHashMap.newKeySet();

        Org(String name) {
            id = "org-" + name + "-" + Long.toString(System.nanoTime(), 36);
            admin = MINT.token("admin-" + name).role(Roles.ORG_ADMIN).org(id).name("Admin").sign();
            superAdmin = MINT.token("super-" + name).role(Roles.ORG_SUPER_ADMIN).org(id).name("Super").sign();
        }
    }

    /**
     * Customers opening cases, one after the other on each of a few threads, until closed; the lead assigns each
     * case opened to Tom, so that commands on existing cases are in flight too.
     */
    static final class CommandStream implements AutoCloseable {
        private final Org org;
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicInteger failed = new AtomicInteger();
        private volatile boolean running = true;

        CommandStream(Org org, int clients) {
            this.org = org;
            for (int i = 0; i < clients; i++) {
                Thread thread = new Thread(this::run, "command-stream-" + i);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
        }

        private void run() {
            int n = 0;
            while (running) {
                try {
                    Response response = as(org.admin).body("""
                            {"orgUrl":"https://fault.okta.com","subject":"Fault %d","description":"under faults",
                             "productArea":"SSO","priority":"P3","contactPreference":"EMAIL"}""".formatted(n++))
                            .post(url("case-service", "/cases"));
                    if (response.statusCode() == 201) {
                        String caseNumber = response.jsonPath().getString("caseNumber");
                        org.answered.add(caseNumber);
                        if (as(LEAD).body("{\"assignee\":\"tse-tom\"}").post(url("case-service", "/cases/"
                                + caseNumber + "/assignment")).statusCode() == 200) {
                            org.assigned.add(caseNumber);
                        }
                    } else {
                        failed.incrementAndGet();
                        pause();
                    }
                } catch (Exception e) {
                    // no answer (the service died under the request, or is not listening): not answered 2xx
                    failed.incrementAndGet();
                    pause();
                }
            }
        }

        private static void pause() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        Set<String> answered() {
            return org.answered;
        }

        int failed() {
            return failed.get();
        }

        void awaitAnswered(int count) {
            await().atMost(RECOVERY).until(() -> org.answered.size() >= count);
        }

        @Override
        public void close() throws InterruptedException, ExecutionException {
            running = false;
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            }
        }
    }
}
