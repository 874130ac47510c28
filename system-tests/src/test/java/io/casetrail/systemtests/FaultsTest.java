package io.casetrail.systemtests;

import static io.casetrail.testing.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
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
 * Faults, each followed by the same question: is every command that was answered 2xx in its service's store, on
 * its topic and in every projection that shows it, exactly once? The commands: customers opening cases, the lead
 * assigning each to an engineer, the customer consenting in writing on a case opened before (org-admin-service),
 * the engineer escalating the case before that (escalation-service), the org's Super Administrator creating API
 * tokens. The projections: case-service's case list, engineer's queue and timelines, org-admin-service's consents,
 * escalation-service's escalations of each case, support-access-service's token list and list of the org's open
 * cases, log-service's internal logs and the org's System Log, and the known cases of the four services that follow
 * the case topic; asked once every consumer group and every projection has caught up, so that a copy sent again
 * after a fault has shown by then, if it were to. A command is sent once (its subject, its name its own), so a
 * second stored under another identity shows too. The
 * stream runs while each service is killed with SIGKILL in turn, while the broker
 * is stopped and started again, and while a service's database is cut off; log-service's consumer groups are also
 * reset to the beginning of every topic.
 */
class FaultsTest extends StackTest {

    static final Duration RECOVERY = Duration.ofSeconds(180);
    /** How long the stream's last rounds may take to end: longer than a request may take (120 s). */
    static final Duration STREAM_END = Duration.ofSeconds(150);
    /** Reading the whole System Log takes a few pages: every 3 s stays well inside its 120 requests a minute. */
    static final Duration SYSTEM_LOG_POLL = Duration.ofSeconds(3);
    static final String OPENED = "io.casetrail.case.opened.v1";
    static final String ASSIGNED = "io.casetrail.case.assigned.v1";
    static final String TOKEN_CREATED = "io.casetrail.access.api-token-created.v1";
    static final String CONSENT_GIVEN = "io.casetrail.orgadmin.consent-given.v1";
    static final String ESCALATION_RAISED = "io.casetrail.escalation.raised.v1";
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
            // and support-access-service, which takes the org's API tokens (System Log entries)
            int tokensBefore = stream.tokens().size();
            stack.kill("support-access-service");
            stream.awaitAnswered(stream.answered().size() + 10);
            stack.restart("support-access-service");
            stream.awaitTokens(tokensBefore + 3);
            // and the two services that follow the cases for their own commands (consents and actions, escalations):
            // each takes up the case topic where it stood, nothing lost or shown twice in its known cases
            for (String follower : List.of("org-admin-service", "escalation-service")) {
                AtomicInteger failures = follower.equals("org-admin-service") ? stream.consentsFailed
                        : stream.escalationsFailed;
                Collection<String> answeredThere = follower.equals("org-admin-service") ? org.consents.values()
                        : org.escalations.values();
                int failedBefore = failures.get();
                stack.kill(follower);
                stream.awaitAnswered(stream.answered().size() + 5);
                assertThat(failures.get()).as(follower + "'s commands failing while it was down")
                        .isGreaterThan(failedBefore);
                int answeredBefore = answeredThere.size();
                stack.restart(follower);
                // and answering again after its restart
                await().atMost(RECOVERY).until(() -> answeredThere.size() > answeredBefore);
            }
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
        assertThat(org.refusals).as("openings refused while the broker was away").isEmpty();
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
        // refused as unavailable, to be tried again, never as a failure of the service
        assertThat(org.refusals).as("openings refused while the database was away").isNotEmpty()
                .containsOnlyKeys(503);
        everyAnsweredCommandIsEverywhereOnce(org);
    }

    @Test
    void log_servicesConsumerGroupsResetToTheBeginningShowNothingTwice() throws Exception {
        Org org = new Org("reset");
        try (CommandStream stream = new CommandStream(org, 1)) {
            stream.awaitTokens(3); // System Log entries too
        }
        everyAnsweredCommandIsEverywhereOnce(org);
        int entriesBefore = org.tokens.size();
        List<Map<String, Object>> systemLogBefore = systemLog(org);
        List<String> internalBefore = internalLogEntries(org.id);
        assertThat(internalBefore).anyMatch(entry -> entry.endsWith(" REQUEST")).anyMatch(e -> e.endsWith(" EVENT"));

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
                // the whole history again, request logs and all: as long as it takes, a fault or not
                awaitCommittedToTheEnd(admin, group, true, RECOVERY.multipliedBy(2));
            }
        }
        // nothing showed twice
        assertThat(systemLog(org)).isEqualTo(systemLogBefore);
        // the internal log: what it held, as it was (the reads since added request logs after it), every entry,
        // the request logs' too, once
        List<String> internalAfter = internalLogEntries(org.id);
        assertThat(internalAfter.subList(0, internalBefore.size())).isEqualTo(internalBefore);
        assertThat(internalAfter.stream().map(entry -> entry.split(" ")[1])).doesNotHaveDuplicates();
        as(AUDITOR).get(url("log-service", "/internal-logs/verify")).then().statusCode(200)
                .body("verified", equalTo(true));
        // every group reset was replayed (log-service's known cases too): everything answered is everywhere once
        everyAnsweredCommandIsEverywhereOnce(org);
        // and what comes next shows once: a second token, a second entry
        as(org.superAdmin).body("{\"name\":\"SIEM 2\"}").post(url("support-access-service", "/org-api-tokens"))
                .then().statusCode(201);
        await().atMost(RECOVERY).pollInterval(SYSTEM_LOG_POLL).untilAsserted(() -> {
            List<Map<String, Object>> log = systemLog(org);
            assertThat(log).extracting(entry -> entry.get("eventType")).hasSize(entriesBefore + 1)
                    .containsOnly("system.api_token.create");
            assertThat(log).extracting(entry -> entry.get("uuid")).doesNotHaveDuplicates();
        });
    }

    /**
     * Waits until the group has committed the end of every partition it has offsets of (and has some, if asked); of
     * the event topics only, unless {@code someOffsets}: the request logs (every request of the test's own adds one)
     * are the internal log's alone, and no projection asked after a fault shows them.
     */
    private static void awaitCommittedToTheEnd(Admin admin, String group, boolean someOffsets, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, group);
            if (!someOffsets) {
                committed.keySet().removeIf(tp -> tp.topic().equals(Topics.LOG));
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            assertThat(committed.isEmpty() && someOffsets).as(group + " has committed offsets").isFalse();
            assertThat(committed).allSatisfy((tp, offset) ->
                    assertThat(offset.offset()).as(group + " " + tp).isEqualTo(ends.get(tp).offset()));
        });
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }

    // --- the question asked after every fault ------------------------------------------------------------------

    private static void everyAnsweredCommandIsEverywhereOnce(Org org) throws Exception {
        Set<String> answered = org.answered;
        assertThat(answered).isNotEmpty();
        assertThat(org.assigned).isNotEmpty();
        assertThat(org.tokens).isNotEmpty();
        assertThat(org.consents).isNotEmpty();
        assertThat(org.escalations).isNotEmpty();

        // the stores: one event for every answered command (and for any committed whose answer was lost)
        Set<String> stored = answered;
        Set<String> storedAssigned = org.assigned;
        Set<String> storedTokens = org.tokens;
        Set<String> storedConsents = org.consents.keySet();
        Set<String> storedEscalations = Set.copyOf(org.escalations.values());
        Map<String, Set<String>> escalationsByCase = new HashMap<>();
        org.escalations.forEach((caseNumber, id) -> escalationsByCase.put(caseNumber, Set.of(id)));
        if (stack.onPostgres()) {
            Map<String, Integer> opened = inStore("case-service", "%.CaseOpened", org.id);
            assertThat(opened.keySet()).containsAll(answered);
            assertThat(opened.values()).allMatch(n -> n == 1);
            // no command stored twice under two identities: each opening sent once (its subject its own), each
            // stored once, answered or not
            assertThat(payloadValues("case-service", "%.CaseOpened", org.id, "subject").values())
                    .hasSize(opened.size()).doesNotHaveDuplicates().noneMatch(org.refusedSubjects::contains);
            stored = opened.keySet();
            Set<String> ofTheOrg = stored;
            Map<String, Integer> assigned = inStore("case-service", "%.CaseAssigned", null);
            assigned.keySet().retainAll(ofTheOrg);
            assertThat(assigned.keySet()).containsAll(org.assigned);
            assertThat(assigned.values()).allMatch(n -> n == 1);
            storedAssigned = assigned.keySet();
            Map<String, Integer> tokens = inStore("support-access-service", "%.ApiTokenCreated", org.id);
            assertThat(tokens.keySet()).containsAll(org.tokens);
            assertThat(tokens.values()).allMatch(n -> n == 1);
            assertThat(payloadValues("support-access-service", "%.ApiTokenCreated", org.id, "name").values())
                    .hasSize(tokens.size()).doesNotHaveDuplicates();
            storedTokens = tokens.keySet();
            // a consent is an event of its case's record in org-admin-service (one consent per case here)
            Map<String, Integer> consents = inStore("org-admin-service", "%.ConsentGiven", org.id);
            assertThat(consents.keySet()).containsAll(org.consents.keySet());
            assertThat(consents.values()).allMatch(n -> n == 1);
            storedConsents = consents.keySet();
            Map<String, Integer> escalations = inStore("escalation-service", "%.EscalationRaised", org.id);
            assertThat(escalations.keySet()).containsAll(org.escalations.values());
            assertThat(escalations.values()).allMatch(n -> n == 1);
            storedEscalations = escalations.keySet();
            // each case escalated once (the stream escalates a case once): one answered, or one whose answer was lost
            escalationsByCase.clear();
            payloadValues("escalation-service", "%.EscalationRaised", org.id, "caseNumber").forEach((id, caseNumber)
                    -> escalationsByCase.computeIfAbsent(caseNumber, c -> new java.util.HashSet<>()).add(id));
            assertThat(escalationsByCase.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
            org.escalations.forEach((caseNumber, id) -> assertThat(escalationsByCase.get(caseNumber)).as(caseNumber)
                    .containsExactly(id));
        }
        Set<String> expected = stored;
        Set<String> expectedAssigned = storedAssigned;
        Set<String> expectedTokens = storedTokens;
        Set<String> expectedConsents = storedConsents;
        Set<String> expectedEscalations = storedEscalations;

        // the topic: each stored event once (a copy sent again carries the same ce_id, which consumers drop), read to
        // its end once every one has come, so that a later copy under another id would show
        TopicReader.readUntil(stack.kafka(), Topics.CASE,
                read -> onTopic(read, OPENED, org.id).keySet().containsAll(expected)
                        && onTopic(read, ASSIGNED, null).keySet().containsAll(expectedAssigned), RECOVERY);
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readAll(stack.kafka(), Topics.CASE);
        Map<String, Set<String>> openings = onTopic(records, OPENED, org.id);
        assertThat(openings.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(openings.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
        Map<String, Set<String>> assignments = onTopic(records, ASSIGNED, null);
        assignments.keySet().retainAll(expected);
        assertThat(assignments.keySet()).containsExactlyInAnyOrderElementsOf(expectedAssigned);
        assertThat(assignments.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
        // and each token created on support-access-service's topic, once
        TopicReader.readUntil(stack.kafka(), Topics.ACCESS,
                read -> onTopic(read, TOKEN_CREATED, org.id).keySet().containsAll(expectedTokens), RECOVERY);
        Map<String, Set<String>> tokensOnTopic = onTopic(TopicReader.readAll(stack.kafka(), Topics.ACCESS),
                TOKEN_CREATED, org.id);
        assertThat(tokensOnTopic.keySet()).containsExactlyInAnyOrderElementsOf(expectedTokens);
        assertThat(tokensOnTopic.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
        // each consent on org-admin-service's topic (keyed by its case), each escalation on escalation-service's
        Set<String> consentIds = assertOnTopicOnce(Topics.ORG_ADMIN, CONSENT_GIVEN, org.id, expectedConsents);
        Set<String> escalationIds = assertOnTopicOnce(Topics.ESCALATION, ESCALATION_RAISED, org.id,
                expectedEscalations);
        Set<String> tokenIds = tokensOnTopic.values().stream().flatMap(Set::stream).collect(Collectors.toSet());

        // every projection caught up before it is asked: whatever a copy sent again (a relay after a restart) could
        // have done, it has done, so that "once" below is not read before a second showed
        everythingCaughtUp();

        // case-service's own read model, support-access-service's and log-service's: each case exactly once; each
        // assignment shows
        await().atMost(RECOVERY).untilAsserted(() -> {
            List<Map<String, Object>> listed = pages(org.admin, url("case-service", "/cases?limit=200"));
            assertThat(listed.stream().map(c -> (String) c.get("caseNumber")))
                    .containsExactlyInAnyOrderElementsOf(expected);
            // a refusal recorded nothing: no case holds the subject of an opening that was refused
            assertThat(listed.stream().map(c -> (String) c.get("subject"))).hasSize(expected.size())
                    .noneMatch(org.refusedSubjects::contains);
            assertThat(listed.stream().filter(c -> expectedAssigned.contains(c.get("caseNumber"))))
                    .hasSize(expectedAssigned.size()).allSatisfy(c -> assertThat(List.of(c.get("status"),
                            c.get("assignee"))).containsExactly("OPEN", "tse-tom"));
            // case-service's escalations (case_escalation): a case is escalated exactly when one of its stored
            // escalations reached it (none of the stream's ends)
            assertThat(listed).allSatisfy(c -> assertThat(c.get("escalated")).as((String) c.get("caseNumber"))
                    .isEqualTo(escalationsByCase.containsKey((String) c.get("caseNumber"))));
        });
        await().atMost(RECOVERY).untilAsserted(() -> assertThat(pages(LEAD, url("case-service",
                "/queues/engineers/tse-tom?limit=200&orgId=" + org.id)).stream().map(c -> (String) c.get("caseNumber")))
                .containsExactlyInAnyOrderElementsOf(expectedAssigned));
        await().atMost(RECOVERY).untilAsserted(() -> assertThat(as(org.superAdmin).get(url("support-access-service",
                "/api/v1/org/privacy/oktaSupport/cases")).then().statusCode(200).extract().jsonPath()
                .getList("supportCases.caseNumber", String.class)).containsExactlyInAnyOrderElementsOf(expected));
        // support-access-service's own list of the org's tokens
        await().atMost(RECOVERY).untilAsserted(() -> assertThat(pages(org.superAdmin, url("support-access-service",
                "/org-api-tokens?limit=200")).stream().map(t -> (String) t.get("id")))
                .containsExactlyInAnyOrderElementsOf(expectedTokens));
        // org-admin-service's consents and escalation-service's escalations of each case: those stored, once each
        for (String caseNumber : expected) {
            await().atMost(RECOVERY).untilAsserted(() -> {
                List<String> consents = pages(org.admin, url("org-admin-service", "/cases/" + caseNumber
                        + "/consents")).stream().map(c -> (String) c.get("consentId")).toList();
                assertThat(consents).hasSize(expectedConsents.contains(caseNumber) ? 1 : 0);
                if (org.consents.containsKey(caseNumber)) {
                    assertThat(consents).containsExactly(org.consents.get(caseNumber));
                }
                List<String> escalations = pages(TSE, url("escalation-service", "/cases/" + caseNumber
                        + "/escalations")).stream().map(e -> (String) e.get("escalationId")).toList();
                assertThat(escalations).containsExactlyInAnyOrderElementsOf(
                        escalationsByCase.getOrDefault(caseNumber, Set.of()));
            });
        }
        // the cases as the other services keep them (each consumes the case topic into its own known_case): each
        // case once, with its assignee
        if (stack.onPostgres()) {
            for (String service : List.of("org-admin-service", "support-access-service", "log-service",
                    "escalation-service")) {
                await().atMost(RECOVERY).untilAsserted(() -> {
                    Map<String, String> known = knownCases(service, org.id);
                    assertThat(known.keySet()).as(service).containsExactlyInAnyOrderElementsOf(expected);
                    assertThat(known.entrySet().stream().filter(c -> "tse-tom".equals(c.getValue()))
                            .map(Map.Entry::getKey)).as(service).containsExactlyInAnyOrderElementsOf(expectedAssigned);
                });
            }
        }
        await().atMost(RECOVERY).untilAsserted(() -> {
            assertThat(internalLog(org, OPENED, "caseNumber")).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(internalLog(org, ASSIGNED, "caseNumber")).containsExactlyInAnyOrderElementsOf(expectedAssigned);
            // and every other event of the stream, by its id: each once
            assertThat(internalLog(org, CONSENT_GIVEN, "entryId")).containsExactlyInAnyOrderElementsOf(consentIds);
            assertThat(internalLog(org, ESCALATION_RAISED, "entryId"))
                    .containsExactlyInAnyOrderElementsOf(escalationIds);
            assertThat(internalLog(org, TOKEN_CREATED, "entryId")).containsExactlyInAnyOrderElementsOf(tokenIds);
        });
        // the org's System Log: one entry per token created
        await().atMost(RECOVERY).pollInterval(SYSTEM_LOG_POLL).untilAsserted(() -> {
            List<Map<String, Object>> log = systemLog(org);
            List<Object> created = firstTargets(log, "system.api_token.create");
            // what differs first, and where a missing entry went (a long list's message is cut short where shown)
            List<Object> missing = difference(expectedTokens, created);
            assertThat(created).as("%d tokens, %d entries; not in the log: %s; in it, not stored: %s; %s",
                            expectedTokens.size(), created.size(), missing, difference(created, expectedTokens),
                            missing.isEmpty() ? "" : systemLogRows(org.id, missing.stream()
                                    .flatMap(token -> tokensOnTopic.get(token).stream()).toList()))
                    .containsExactlyInAnyOrderElementsOf(expectedTokens);
            assertThat(log).extracting(entry -> entry.get("uuid")).doesNotHaveDuplicates();
        });
        // and each case's timeline, case-service's other projection: its opening once, its assignment once
        for (String caseNumber : expected) {
            await().atMost(RECOVERY).untilAsserted(() -> {
                var timeline = as(LEAD).get(url("case-service", "/cases/" + caseNumber + "/timeline")).then()
                        .statusCode(200).extract().jsonPath();
                assertThat(timeline.getList("type", String.class)).containsOnlyOnce(OPENED);
                if (expectedAssigned.contains(caseNumber)) {
                    assertThat(timeline.getList("type", String.class)).containsOnlyOnce(ASSIGNED);
                }
                if (expectedConsents.contains(caseNumber)) {
                    assertThat(timeline.getList("type", String.class)).containsOnlyOnce(CONSENT_GIVEN);
                }
                if (escalationsByCase.containsKey(caseNumber)) {
                    assertThat(timeline.getList("type", String.class)).containsOnlyOnce(ESCALATION_RAISED);
                } else {
                    assertThat(timeline.getList("type", String.class)).doesNotContain(ESCALATION_RAISED);
                }
                assertThat(timeline.getList("id", String.class)).doesNotHaveDuplicates();
            });
        }
        // and the stores as they were when the checks began: nothing the stream sent came in after they were read
        if (stack.onPostgres()) {
            assertThat(inStore("case-service", "%.CaseOpened", org.id).keySet()).as("cases stored since")
                    .isEqualTo(expected);
            assertThat(inStore("support-access-service", "%.ApiTokenCreated", org.id).keySet())
                    .as("tokens stored since").isEqualTo(expectedTokens);
        }
    }

    /**
     * How many events of a type each aggregate has in a service's store; only those whose payload names the org,
     * when one is given.
     */
    private static Map<String, Integer> inStore(String service, String payloadType, String orgId) throws Exception {
        Map<String, Integer> found = new HashMap<>();
        try (Connection sql = stack.sql(service); PreparedStatement query = sql.prepareStatement(
                "SELECT aggregateidentifier, payload FROM domainevententry WHERE payloadtype LIKE ?")) {
            query.setString(1, payloadType);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    if (orgId == null
                            || new String(rows.getBytes(2), StandardCharsets.UTF_8).contains("\"" + orgId + "\"")) {
                        found.merge(rows.getString(1), 1, Integer::sum);
                    }
                }
            }
        }
        return found;
    }

    /**
     * The records of a type of the org on a topic, read to its end once all expected came: each key once. Answers
     * their ids ({@code ce_id}).
     */
    private static Set<String> assertOnTopicOnce(String topic, String type, String orgId, Set<String> expectedKeys) {
        TopicReader.readUntil(stack.kafka(), topic,
                read -> onTopic(read, type, orgId).keySet().containsAll(expectedKeys), RECOVERY);
        Map<String, Set<String>> found = onTopic(TopicReader.readAll(stack.kafka(), topic), type, orgId);
        assertThat(found.keySet()).as(topic).containsExactlyInAnyOrderElementsOf(expectedKeys);
        assertThat(found.values()).as(topic).allSatisfy(ids -> assertThat(ids).hasSize(1));
        return found.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
    }

    /**
     * Waits until every consumer group of every service has committed the end of every partition it reads (what
     * the topics hold is applied: offsets are committed after their records' transactions), and every service's
     * projections have reached the head of its event store.
     */
    private static void everythingCaughtUp() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka()))) {
            List<String> groups = admin.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId)
                    .filter(group -> java.util.Arrays.stream(Stack.SERVICES).anyMatch(s -> group.startsWith(s + ".")))
                    .toList();
            assertThat(groups).contains("log-service.system-log", "log-service.internal-log");
            for (String group : groups) {
                awaitCommittedToTheEnd(admin, group, false, RECOVERY);
            }
        }
        for (String service : Stack.SERVICES) {
            await().atMost(RECOVERY).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(as(AUDITOR)
                    .get(url(service, "/ops/projections"))
                    .then().statusCode(200).extract().jsonPath().<Number>getList("lag")).as(service)
                    .allMatch(lag -> lag.longValue() == 0));
        }
    }

    /** A string field of the payloads of a type in a service's store, by aggregate; those naming the org. */
    private static Map<String, String> payloadValues(String service, String payloadType, String orgId, String field)
            throws Exception {
        Map<String, String> found = new HashMap<>();
        try (Connection sql = stack.sql(service); PreparedStatement query = sql.prepareStatement(
                "SELECT aggregateidentifier, payload FROM domainevententry WHERE payloadtype LIKE ?")) {
            query.setString(1, payloadType);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String payload = new String(rows.getBytes(2), StandardCharsets.UTF_8);
                    if (payload.contains("\"" + orgId + "\"")) {
                        assertThat(found.put(rows.getString(1), io.restassured.path.json.JsonPath.from(payload)
                                .getString(field))).as("one %s of %s", payloadType, rows.getString(1)).isNull();
                    }
                }
            }
        }
        return found;
    }

    /** A service's known cases of the org (its {@code known_case} rows, each once by its key), with their assignee. */
    private static Map<String, String> knownCases(String service, String orgId) throws Exception {
        Map<String, String> found = new HashMap<>();
        try (Connection sql = stack.sql(service); PreparedStatement query = sql.prepareStatement(
                "SELECT case_number, assignee FROM known_case WHERE org_id = ?")) {
            query.setString(1, orgId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    found.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return found;
    }

    /** The records of a type on the topic, by key, with their distinct ids ({@code ce_id}); of one org if given. */
    private static Map<String, Set<String>> onTopic(Collection<ConsumerRecord<String, byte[]>> records, String type,
                                                    String orgId) {
        return records.stream().filter(r -> type.equals(header(r, "ce_type"))
                        && (orgId == null || orgId.equals(header(r, "ce_orgid"))))
                .collect(Collectors.groupingBy(ConsumerRecord::key, HashMap::new,
                        Collectors.mapping(r -> header(r, "ce_id"), Collectors.toSet())));
    }


    /** A field of the org's internal-log entries of a type, every page. */
    private static List<String> internalLog(Org org, String type, String field) {
        return pages(AUDITOR, url("log-service", "/internal-logs?orgId=" + org.id + "&type=" + type
                + "&limit=1000")).stream().map(entry -> (String) entry.get(field)).toList();
    }

    /**
     * Every item of a paged list, following its next links (sent as written: they come encoded) to the last page, or
     * to the first empty one: a System Log polling query names a next page on every page.
     */
    private static List<Map<String, Object>> pages(String token, String first) {
        List<Map<String, Object>> items = new ArrayList<>();
        String next = first;
        while (next != null) {
            Response page = as(token).urlEncodingEnabled(false).get(next);
            assertThat(page.statusCode()).as(next).isEqualTo(200);
            List<Map<String, Object>> onPage = page.jsonPath().getList("");
            items.addAll(onPage);
            next = onPage.isEmpty() ? null : nextLink(page);
        }
        return items;
    }

    /** The org's System Log of the last hour, every page in order. */
    private static List<Map<String, Object>> systemLog(Org org) {
        return pages(org.superAdmin, url("log-service", "/api/v1/logs?limit=1000&since="
                + Instant.now().minusSeconds(3600)));
    }

    /**
     * What log-service's store holds of the org's System Log and of the events given (by id): its token entries, and
     * for each event its entry's row and whether the System Log's consumer recorded it as applied.
     */
    private static String systemLogRows(String orgId, List<String> eventIds) throws Exception {
        if (!stack.onPostgres()) {
            return "";
        }
        StringBuilder rows = new StringBuilder();
        try (Connection sql = stack.sql("log-service")) {
            rows.append("stored token entries of the org: ").append(count(sql, "SELECT count(*) FROM system_log_event"
                    + " WHERE org_id = ? AND event_type = 'system.api_token.create'", orgId));
            for (String eventId : eventIds) {
                rows.append("; ").append(eventId).append(": entries ")
                        .append(count(sql, "SELECT count(*) FROM system_log_event WHERE uuid = ?", eventId))
                        .append(", applied ").append(count(sql, "SELECT count(*) FROM consumed_event WHERE"
                                + " consumer = 'system-log' AND event_id = ?", eventId));
            }
        }
        return rows.toString();
    }

    private static long count(Connection sql, String query, String parameter) throws Exception {
        try (PreparedStatement statement = sql.prepareStatement(query)) {
            statement.setString(1, parameter);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** What {@code these} hold that {@code those} do not. */
    private static List<Object> difference(Collection<?> these, Collection<?> those) {
        return these.stream().filter(item -> !those.contains(item)).map(Object.class::cast).toList();
    }

    /** The id of each System Log entry's first target, of the entries of the type, in the log's order. */
    @SuppressWarnings("unchecked")
    private static List<Object> firstTargets(List<Map<String, Object>> log, String eventType) {
        return log.stream().filter(entry -> eventType.equals(entry.get("eventType")))
                .map(entry -> ((List<Map<String, Object>>) entry.get("target")).get(0).get("id")).toList();
    }

    /** The org's internal-log entries, every page, in chain order: {@code "<seq> <entryId> <kind>"}. */
    private static List<String> internalLogEntries(String orgId) {
        return pages(AUDITOR, url("log-service", "/internal-logs?orgId=" + orgId + "&limit=1000")).stream()
                .map(e -> e.get("seq") + " " + e.get("entryId") + " " + e.get("kind")).toList();
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
        /** The API tokens whose creation was answered 2xx. */
        final Set<String> tokens = ConcurrentHashMap.newKeySet();
        /** The consents answered 2xx, by their case. */
        final Map<String, String> consents = new ConcurrentHashMap<>();
        /** The escalations whose raising was answered 2xx, by their case. */
        final Map<String, String> escalations = new ConcurrentHashMap<>();
        /** The subjects of the cases whose opening was refused (an HTTP status but 201, and 503: may be recorded). */
        final Set<String> refusedSubjects = ConcurrentHashMap.newKeySet();
        /** How many openings were answered with each refusing status. */
        final Map<Integer, Integer> refusals = new ConcurrentHashMap<>();

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
        /** Consents and escalations asked for and not answered 2xx (their service down, or refusing). */
        final AtomicInteger consentsFailed = new AtomicInteger();
        final AtomicInteger escalationsFailed = new AtomicInteger();
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
            // the cases this thread had assigned a round and two rounds before: the other services know of them by
            // now (they follow the case topic), so that the customer consents on one and Tom escalates the other
            String previous = null;
            String beforePrevious = null;
            while (running) {
                String subject = "Fault " + Thread.currentThread().getName() + " " + n++;
                try {
                    Response response = as(org.admin).body("""
                            {"orgUrl":"https://fault.okta.com","subject":"%s","description":"under faults",
                             "productArea":"SSO","priority":"P3","contactPreference":"EMAIL"}""".formatted(subject))
                            .post(url("case-service", "/cases"));
                    if (response.statusCode() != 201) {
                        org.refusals.merge(response.statusCode(), 1, Integer::sum);
                        if (response.statusCode() != 503) { // one whose commit's answer was lost may be recorded
                            org.refusedSubjects.add(subject);
                        }
                    }
                    if (response.statusCode() == 201) {
                        String caseNumber = response.jsonPath().getString("caseNumber");
                        org.answered.add(caseNumber);
                        if (as(LEAD).body("{\"assignee\":\"tse-tom\"}").post(url("case-service", "/cases/"
                                + caseNumber + "/assignment")).statusCode() == 200) {
                            org.assigned.add(caseNumber);
                            consent(previous);
                            escalate(beforePrevious);
                            beforePrevious = previous;
                            previous = caseNumber;
                        }
                    } else {
                        failed.incrementAndGet();
                        pause();
                    }
                    if (n % 3 == 0) { // every third round, a token too
                        createToken(n);
                    }
                } catch (Exception e) {
                    // no answer (the service died under the request, or is not listening): not answered 2xx
                    failed.incrementAndGet();
                    pause();
                }
            }
        }

        /** The case's opener consents in writing to an MFA reset. */
        private void consent(String caseNumber) {
            if (caseNumber == null) {
                return;
            }
            try {
                Response consent = as(org.admin).body("{\"actionKinds\":[\"RESET_MFA\"]}")
                        .post(url("org-admin-service", "/cases/" + caseNumber + "/consents"));
                if (consent.statusCode() == 201) {
                    org.consents.put(caseNumber, consent.jsonPath().getString("consentId"));
                } else {
                    consentsFailed.incrementAndGet();
                }
            } catch (Exception e) {
                // org-admin-service is down: not answered 2xx
                consentsFailed.incrementAndGet();
            }
        }

        /** Tom, the case's engineer, raises a question to Engineering. */
        private void escalate(String caseNumber) {
            if (caseNumber == null) {
                return;
            }
            try {
                Response raised = as(TSE).body("""
                        {"requestType":"question","summary":"Under faults","customerImpact":"None"}""")
                        .post(url("escalation-service", "/cases/" + caseNumber + "/escalations"));
                if (raised.statusCode() == 201) {
                    org.escalations.put(caseNumber, raised.jsonPath().getString("escalationId"));
                } else {
                    escalationsFailed.incrementAndGet();
                }
            } catch (Exception e) {
                // escalation-service is down: not answered 2xx
                escalationsFailed.incrementAndGet();
            }
        }

        private void createToken(int n) {
            try {
                Response token = as(org.superAdmin).body("{\"name\":\"Fault %s %d\"}".formatted(
                        Thread.currentThread().getName(), n))
                        .post(url("support-access-service", "/org-api-tokens"));
                if (token.statusCode() == 201) {
                    org.tokens.add(token.jsonPath().getString("id"));
                }
            } catch (Exception e) {
                // support-access-service is down: not answered 2xx, and the cases go on
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

        Set<String> tokens() {
            return org.tokens;
        }

        void awaitTokens(int count) {
            await().atMost(RECOVERY).until(() -> org.tokens.size() >= count);
        }

        int failed() {
            return failed.get();
        }

        void awaitAnswered(int count) {
            await().atMost(RECOVERY).until(() -> org.answered.size() >= count);
        }

        /** Stops the stream once it has had a consent and an escalation answered too (they follow the openings). */
        @Override
        public void close() throws InterruptedException, ExecutionException {
            await().atMost(RECOVERY).until(() -> !org.consents.isEmpty() && !org.escalations.isEmpty());
            running = false;
            // every round ends before the stores are read: a round still in a request when they were (the join gave
            // up after 60 s, the requests' timeout being 120 s) would add a token, a consent, an escalation after it
            for (Thread thread : threads) {
                thread.join(STREAM_END.toMillis());
                assertThat(thread.isAlive()).as(thread.getName() + " still sending after " + STREAM_END).isFalse();
            }
        }
    }
}
