package io.casetrail.cases.api;

import static io.casetrail.cases.api.TestPrincipals.ACME;
import static io.casetrail.cases.api.TestPrincipals.ACME_ADMIN;
import static io.casetrail.cases.api.TestPrincipals.EM_ED;
import static io.casetrail.cases.api.TestPrincipals.EM_EVE;
import static io.casetrail.cases.api.TestPrincipals.LEAD_LU;
import static io.casetrail.cases.api.TestPrincipals.TSE_TOM;
import static io.casetrail.cases.api.TestPrincipals.as;
import static io.casetrail.cases.api.TestPrincipals.openAcmeCase;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;

import io.casetrail.cases.query.FutureTypeProbe;
import io.casetrail.events.Actor;
import io.casetrail.events.CloudEvent;
import io.casetrail.events.Topics;
import io.casetrail.events.escalation.EscalationManagerAssigned;
import io.casetrail.events.escalation.EscalationRaised;
import io.casetrail.events.escalation.EscalationRejected;
import io.casetrail.events.escalation.EscalationWithdrawn;
import io.casetrail.platform.axon.AxonRuntime;
import io.casetrail.platform.kafka.CloudEventRecords;
import io.casetrail.platform.security.Roles;
import io.casetrail.platform.store.Jdbc;
import io.casetrail.testing.TestEvents;
import io.casetrail.testing.TopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/** No event is lost and none is shown twice: the relay's outbox guarantee and the consumers' dedupe. */
@QuarkusTest
class DeliveryGuaranteesTest {

    static final Actor TOM = new Actor("tse-tom", "Tom", Actor.Kind.SUPPORT, "support-engineer");
    static final Actor EVE = new Actor("em-eve", "Eve", Actor.Kind.SUPPORT, "escalation-manager");

    @Inject
    AxonRuntime axon;

    @Inject
    Jdbc jdbc;

    @Inject
    MeterRegistry metrics;

    @Test
    void eventsStoredWhileTheRelayIsStoppedAreAllPublishedInOrderWhenItRestarts() throws Exception {
        StreamingEventProcessor relay = axon.processor(AxonRuntime.RELAY_GROUP).orElseThrow();
        relay.shutDown();
        List<String> cases = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                String caseNumber = openAcmeCase("P3");
                as(LEAD_LU).body("{\"assignee\":\"tse-tom\"}").post("/cases/" + caseNumber + "/assignment")
                        .then().statusCode(200);
                as(TSE_TOM).body("{\"body\":\"Looking into it\"}").post("/cases/" + caseNumber + "/replies")
                        .then().statusCode(200);
                cases.add(caseNumber);
            }
            // stored, not published: nothing of these cases is on the topic, read to its end, while the relay is down
            List<ConsumerRecord<String, byte[]>> whileDown = TopicReader.readAll(Topics.CASE);
            assertThat(whileDown).noneMatch(r -> cases.contains(r.key()));
        } finally {
            relay.start();
        }

        for (String caseNumber : cases) {
            long stored = jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ?",
                    row -> row.getLong(1), caseNumber).orElseThrow();
            List<ConsumerRecord<String, byte[]>> published = TopicReader.readUntil(Topics.CASE,
                    read -> firstSequences(read, caseNumber).size() >= stored, Duration.ofSeconds(30));
            List<Long> sequences = firstSequences(published, caseNumber);
            List<Long> expected = new ArrayList<>();
            for (long s = 0; s < stored; s++) {
                expected.add(s);
            }
            assertThat(sequences).as("events of case %s on the topic, in order", caseNumber)
                    .containsExactlyElementsOf(expected);
            assertThat(published.stream().filter(r -> caseNumber.equals(r.key()))
                    .map(r -> r.partition()).distinct()).hasSize(1);
        }
    }

    @Test
    void aCloudEventDeliveredTwiceIsAppliedOnce() {
        String caseNumber = openAcmeCase("P2");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().statusCode(200));
        double duplicatesBefore = duplicates();
        String eventId = UUID.randomUUID().toString();
        CloudEvent grant = accessEvent(eventId, caseNumber, "granted", ACME);

        TopicReader.send(CloudEventRecords.toRecord(Topics.ACCESS, grant));
        TopicReader.send(CloudEventRecords.toRecord(Topics.ACCESS, grant));
        TopicReader.send(CloudEventRecords.toRecord(Topics.ACCESS,
                accessEvent(UUID.randomUUID().toString(), caseNumber, "revoked", ACME)));

        // same key, same partition: once the third is on the timeline, both copies of the first were consumed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(ACME_ADMIN)
                .get("/cases/" + caseNumber + "/timeline").then().statusCode(200)
                .body("type", hasItem("io.casetrail.access.revoked.v1")));
        List<String> ids = as(ACME_ADMIN).get("/cases/" + caseNumber + "/timeline").then().extract().jsonPath()
                .getList("id", String.class);
        assertThat(ids.stream().filter(eventId::equals)).hasSize(1);
        // at least the copy sent twice (a consumer retry, after an error, would count its batch's repeats too)
        assertThat(duplicates()).isGreaterThanOrEqualTo(duplicatesBefore + 1);
        as(ACME_ADMIN).get("/cases/" + caseNumber + "/timeline").then()
                .body("summary", hasItem("access: granted (by Sam Super)"));
    }

    /**
     * A name with NUL in another service's event (PostgreSQL's text keeps none) is mended on the case's timeline:
     * a row the database refused would stop the timeline's consumer at that record for good.
     */
    @Test
    void aNameWithNulInAnotherServicesEventIsMendedOnTheTimeline() {
        String caseNumber = openAcmeCase("P2");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().statusCode(200));
        TopicReader.send(CloudEventRecords.toRecord(Topics.ACCESS, accessEvent(UUID.randomUUID().toString(),
                caseNumber, "granted", ACME, "Sam\\u0000Super")));
        TopicReader.send(CloudEventRecords.toRecord(Topics.ACCESS,
                accessEvent(UUID.randomUUID().toString(), caseNumber, "revoked", ACME)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(ACME_ADMIN)
                .get("/cases/" + caseNumber + "/timeline").then().statusCode(200)
                .body("type", hasItem("io.casetrail.access.revoked.v1"))
                .body("summary", hasItem("access: granted (by Sam\uFFFDSuper)")));
    }

    /**
     * A backlog (a replay, a consumer back from an outage) is applied a poll's records to a transaction, not one
     * each, and still each event once: copies within the same poll too.
     */
    @Test
    void recordsArrivingTogetherAreAppliedInOneTransactionEachEventOnce() {
        String caseNumber = openAcmeCase("P3");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().statusCode(200));
        List<String> ids = new ArrayList<>();
        List<org.apache.kafka.clients.producer.ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            CloudEvent event = accessEvent(UUID.randomUUID().toString(), caseNumber, i % 2 == 0 ? "granted"
                    : "revoked", ACME);
            ids.add(event.id());
            records.add(CloudEventRecords.toRecord(Topics.ACCESS, event));
            records.add(CloudEventRecords.toRecord(Topics.ACCESS, event));
        }
        double transactionsBefore = consumerCount("casetrail.consumer.transactions");
        double duplicatesBefore = duplicates();

        TopicReader.sendTogether(records);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(as(ACME_ADMIN)
                .get("/cases/" + caseNumber + "/timeline").then().statusCode(200).extract().jsonPath()
                .getList("id", String.class)).containsAll(ids));
        List<String> shown = as(ACME_ADMIN).get("/cases/" + caseNumber + "/timeline").then().extract().jsonPath()
                .getList("id", String.class);
        assertThat(shown.stream().filter(ids::contains)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(duplicates() - duplicatesBefore).isEqualTo(40);
        // 80 records, one fetch (same key, one produce request): a transaction each would be 80
        assertThat(consumerCount("casetrail.consumer.transactions") - transactionsBefore).isBetween(1.0, 4.0);
    }

    /** An org-wide grant names no one case: it is on the timeline of each case it covers, once. */
    @Test
    void anOrgWideGrantIsOnTheTimelineOfEachCaseItCovers() {
        String first = openAcmeCase("P3");
        String second = openAcmeCase("P3");
        String uncovered = openAcmeCase("P3");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + uncovered)
                .then().statusCode(200));
        // of the longest id consumers take: with the case, its timeline entry's id is longer still
        String grantId = "g".repeat(io.casetrail.events.CloudEvent.MAX_ID - 36) + UUID.randomUUID();
        String data = """
                {"orgId":"%s","grantId":"g-org","scope":"ORG","coveredCases":["%s","%s"],
                 "actor":{"id":"admin-sam","displayName":"Sam Super","kind":"CUSTOMER","role":"org-super-admin"}}
                """.formatted(ACME, first, second);
        CloudEvent grant = new CloudEvent(grantId, "/casetrail/support-access-service",
                "io.casetrail.access.granted.v1", Instant.now(), "g-1", ACME, null, "admin-sam", 0L,
                UUID.randomUUID().toString(), data.getBytes(StandardCharsets.UTF_8));
        TopicReader.send(CloudEventRecords.toRecord(Topics.ACCESS, grant));
        TopicReader.send(CloudEventRecords.toRecord(Topics.ACCESS, grant));
        // same key (g-1), same partition: once the marker is on its timeline, both copies of the grant were consumed
        String marker = UUID.randomUUID().toString();
        TopicReader.send(CloudEventRecords.toRecord(Topics.ACCESS, accessEvent(marker, uncovered, "granted", ACME)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + uncovered
                + "/timeline").then().statusCode(200).body("id", hasItem(marker)));
        for (String covered : List.of(first, second)) {
            assertThat(as(ACME_ADMIN).get("/cases/" + covered + "/timeline").then().statusCode(200).extract()
                    .jsonPath().getList("findAll { it.type == 'io.casetrail.access.granted.v1' }.id", String.class))
                    .containsExactly(grantId + ":" + covered);
        }
        assertThat(as(ACME_ADMIN).get("/cases/" + uncovered + "/timeline").then().extract().jsonPath()
                .getList("id", String.class)).noneMatch(id -> id.startsWith(grantId));
    }

    /**
     * A type this version does not know (a new vN of a service upgraded first) stops its consumer, and the events
     * behind it wait: passed over, it would be recorded as applied and never be. Upgraded, the consumer goes on
     * from it, in order.
     */
    @Test
    void anEventOfATypeThisVersionDoesNotKnowStopsItsConsumerUntilItIsUpgraded() throws Exception {
        String future = UUID.randomUUID().toString();
        String known = UUID.randomUUID().toString();
        String futureType = "io.casetrail.escalation.closed.v2";
        TopicReader.send(CloudEventRecords.toRecord(FutureTypeProbe.TOPIC, new CloudEvent(future,
                "/casetrail/escalation-service", futureType, Instant.now(), "e-9", ACME, null,
                "tse-tom", 3L, "c-9", "{}".getBytes(StandardCharsets.UTF_8))));
        TopicReader.send(CloudEventRecords.toRecord(FutureTypeProbe.TOPIC, new CloudEvent(known,
                "/casetrail/escalation-service", "io.casetrail.escalation.update-posted.v1", Instant.now(), "e-9", ACME,
                null, "tse-tom", 4L, "c-9", "{}".getBytes(StandardCharsets.UTF_8))));
        // the consumer reads the unknown type, refuses it, and tries the same record again rather than go on
        await().atMost(Duration.ofSeconds(45)).until(() -> FutureTypeProbe.ASKED.stream()
                .filter(futureType::equals).count() >= 2);
        assertThat(FutureTypeProbe.APPLIED).doesNotContain(future, known);
        // and its metrics say so: both records wait (its counters alone would read as a quiet topic)
        await().atMost(Duration.ofSeconds(15)).until(() -> probeLag() == 2);
        assertThat(FutureTypeProbe.APPLIED).doesNotContain(future, known);

        FutureTypeProbe.UPGRADED.set(true);
        await().atMost(Duration.ofSeconds(45)).until(() -> FutureTypeProbe.APPLIED.contains(known));
        assertThat(FutureTypeProbe.APPLIED).containsSubsequence(future, known);
        await().atMost(Duration.ofSeconds(15)).until(() -> probeLag() == 0);
    }

    private static double probeLag() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        java.util.regex.Matcher lag = java.util.regex.Pattern.compile(
                "casetrail_consumer_lag_records\\{consumer=\"test-probe\"} (\\S+)").matcher(metrics);
        assertThat(lag.find()).as("the probe's lag on the metrics").isTrue();
        return Double.parseDouble(lag.group(1));
    }

    @Test
    void otherContextsEventsAreInternalUnlessListedAndNeverCrossOrgs() {
        String caseNumber = openAcmeCase("P3");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().statusCode(200));
        String unlisted = UUID.randomUUID().toString();
        String wrongOrg = UUID.randomUUID().toString();
        TopicReader.send(CloudEventRecords.toRecord(Topics.ESCALATION, new CloudEvent(unlisted,
                "/casetrail/escalation-service", "io.casetrail.escalation.update-posted.v1", Instant.now(), "e-1", ACME,
                caseNumber, "tse-tom", 0L, "c-1", "{\"summary\":\"engineering internals\"}"
                .getBytes(StandardCharsets.UTF_8))));
        TopicReader.send(CloudEventRecords.toRecord(Topics.ACCESS,
                accessEvent(wrongOrg, caseNumber, "granted", "org-globex")));
        String last = UUID.randomUUID().toString();
        TopicReader.send(CloudEventRecords.toRecord(Topics.ACCESS, accessEvent(last, caseNumber, "granted", ACME)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(LEAD_LU).get("/cases/" + caseNumber
                + "/timeline").then().statusCode(200).body("id", hasItem(last)).body("id", hasItem(unlisted)));
        List<String> supportSees = as(LEAD_LU).get("/cases/" + caseNumber + "/timeline").then().extract()
                .jsonPath().getList("id", String.class);
        assertThat(supportSees).doesNotContain(wrongOrg);
        String customerSees = as(ACME_ADMIN).get("/cases/" + caseNumber + "/timeline").then().extract().asString();
        assertThat(customerSees).contains(last).doesNotContain(unlisted).doesNotContain("engineering internals")
                .doesNotContain("grantId");
    }

    @Test
    void consentedAdminActionsAndTheirRefusalsAreOnTheCustomersTimeline() {
        String caseNumber = openAcmeCase("P3");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().statusCode(200));
        String consent = UUID.randomUUID().toString();
        String reset = UUID.randomUUID().toString();
        String refused = UUID.randomUUID().toString();
        String researched = UUID.randomUUID().toString();
        TopicReader.send(CloudEventRecords.toRecord(Topics.ORG_ADMIN, orgAdminEvent(consent, caseNumber,
                "consent-given", "\"consentId\":\"c-1\",\"channel\":\"WRITTEN\"")));
        TopicReader.send(CloudEventRecords.toRecord(Topics.ORG_ADMIN, orgAdminEvent(researched, caseNumber,
                "org-researched", "\"resource\":\"users\"")));
        TopicReader.send(CloudEventRecords.toRecord(Topics.ORG_ADMIN, orgAdminEvent(reset, caseNumber,
                "password-reset-sent", "\"consentId\":\"c-1\",\"userId\":\"00u1alice\"")));
        TopicReader.send(CloudEventRecords.toRecord(Topics.ORG_ADMIN, orgAdminEvent(refused, caseNumber,
                "action-refused", "\"kind\":\"RESET_MFA\",\"userId\":\"00u2bob\"")));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(LEAD_LU).get("/cases/" + caseNumber
                + "/timeline").then().statusCode(200).body("id", hasItem(refused)).body("id", hasItem(researched)));
        List<String> customerSees = as(ACME_ADMIN).get("/cases/" + caseNumber + "/timeline").then().extract()
                .jsonPath().getList("id", String.class);
        assertThat(customerSees).contains(consent, reset, refused).doesNotContain(researched);
        as(ACME_ADMIN).get("/cases/" + caseNumber + "/timeline").then()
                .body("summary", hasItem("orgadmin: password reset sent (by Tom Engineer)"));
    }

    /** An escalation of the case, raised by Tom as escalation-service would publish it; its id. */
    static String escalationRaisedOn(String caseNumber) {
        String escalation = UUID.randomUUID().toString();
        raise(escalation, caseNumber, UUID.randomUUID().toString());
        return escalation;
    }

    private static void raise(String escalation, String caseNumber, String eventId) {
        TestEvents.publish(Topics.ESCALATION, "escalation-service", escalation, 0, new EscalationRaised(escalation,
                ACME, caseNumber, "sso", "defect", "SAML rejected", "everyone locked out", List.of(), List.of(),
                List.of(), List.of(), List.of(), TOM), java.time.Instant.now(), eventId);
    }

    /**
     * The org of an escalation event is checked for the case its header names, so that case is the only one it may
     * change: a raise whose body names another case, or an end naming an escalation of another case, changes
     * neither (a malformed or foreign record, logged and passed over).
     */
    @Test
    void anEscalationEventChangesOnlyTheCaseItsHeaderNames() throws Exception {
        String named = TestPrincipals.openAssignedCase("P2");
        String other = TestPrincipals.openAssignedCase("P2");
        String escalation = UUID.randomUUID().toString();
        String mismatched = UUID.randomUUID().toString();
        EscalationRaised raisedOnOther = new EscalationRaised(escalation, ACME, other, "sso", "defect", "SAML rejected",
                "everyone locked out", List.of(), List.of(), List.of(), List.of(), List.of(), TOM);
        TopicReader.send(CloudEventRecords.toRecord(Topics.ESCALATION, new CloudEvent(mismatched,
                "/casetrail/escalation-service", "io.casetrail.escalation.raised.v1", Instant.now(), escalation, ACME,
                named, TOM.id(), 0L, UUID.randomUUID().toString(),
                io.casetrail.events.EventJson.newMapper().writeValueAsBytes(raisedOnOther))));
        await().atMost(Duration.ofSeconds(30)).until(() -> consumed("case-escalations", mismatched));
        for (String caseNumber : List.of(named, other)) {
            as(LEAD_LU).get("/cases/" + caseNumber).then().statusCode(200).body("escalated", equalTo(false));
        }
        // the other case's own escalation, raised as it should be; then an end that names it under the first case
        String otherEscalation = escalationRaisedOn(other);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(LEAD_LU).get("/cases/" + other).then()
                .body("escalated", equalTo(true)));
        String foreignEnd = TestEvents.publish(Topics.ESCALATION, "escalation-service", otherEscalation, 1,
                new EscalationWithdrawn(otherEscalation, ACME, named, "AWAITING_APPROVAL", "not needed", TOM));
        await().atMost(Duration.ofSeconds(30)).until(() -> consumed("case-escalations", foreignEnd));
        as(LEAD_LU).get("/cases/" + other).then().body("escalated", equalTo(true));
    }

    private boolean consumed(String consumer, String eventId) {
        return jdbc.queryOne("SELECT COUNT(*) FROM consumed_event WHERE consumer = ? AND event_id = ?",
                row -> row.getLong(1), consumer, eventId).orElseThrow() == 1;
    }

    /**
     * An escalation delivered again after the consumers' record of it was cleared (a consumer renamed, a read model
     * replayed from the topics) changes nothing and stops nothing: what follows it still applies.
     */
    @Test
    void anEscalationDeliveredAgainPastTheConsumersRecordChangesNothing() {
        String caseNumber = TestPrincipals.openAssignedCase("P2");
        String escalation = UUID.randomUUID().toString();
        String raised = UUID.randomUUID().toString();
        raise(escalation, caseNumber, raised);
        TestEvents.publish(Topics.ESCALATION, "escalation-service", escalation, 1, new EscalationManagerAssigned(
                escalation, ACME, caseNumber, "em-eve", "Eve", EVE));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().statusCode(200).body("escalated", equalTo(true)).body("intermediary", equalTo("em-eve")));
        assertThat(io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> jdbc.update(
                "DELETE FROM consumed_event WHERE event_id = ?", raised))).isPositive();
        raise(escalation, caseNumber, raised);
        await().atMost(Duration.ofSeconds(30)).until(() -> consumed("case-escalations", raised));
        // the repeat neither handed the customer back to the engineer nor made anything else of the escalation
        as(ACME_ADMIN).get("/cases/" + caseNumber).then().statusCode(200).body("escalated", equalTo(true))
                .body("intermediary", equalTo("em-eve"));
        TestEvents.publish(Topics.ESCALATION, "escalation-service", escalation, 2, new EscalationWithdrawn(escalation,
                ACME, caseNumber, "ACCEPTED", "Customer found the cause", EVE));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().body("escalated", equalTo(false)).body("intermediary", equalTo("tse-tom")));
        // the timeline took the withdrawal, which came after the repeat on the same partition: the repeat stopped
        // nothing there either, and shows once
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(as(LEAD_LU).get("/cases/" + caseNumber
                + "/timeline").then().extract().jsonPath().getList("type", String.class))
                .contains("io.casetrail.escalation.withdrawn.v1"));
        assertThat(as(LEAD_LU).get("/cases/" + caseNumber + "/timeline").then().extract().jsonPath()
                .getList("type", String.class).stream().filter("io.casetrail.escalation.raised.v1"::equals)).hasSize(1);
    }

    /**
     * Two escalations of one case given managers: the customer's intermediary is the manager escalation-service
     * assigned last ({@code caseAssignment}), whatever order or times the two events arrive in (two escalations, two
     * aggregates, two partitions). The later assignment arrives first here, and the earlier one with a later time.
     */
    @Test
    void theIntermediaryIsTheManagerAssignedLastNotTheLastToArrive() {
        String caseNumber = TestPrincipals.openAssignedCase("P2");
        String first = escalationRaisedOn(caseNumber);
        String second = escalationRaisedOn(caseNumber);
        Actor ed = new Actor("em-ed", "Ed", Actor.Kind.SUPPORT, "escalation-manager");
        TestEvents.publish(Topics.ESCALATION, "escalation-service", second, 1, new EscalationManagerAssigned(
                second, ACME, caseNumber, "em-ed", "Ed", ed, 2L));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().statusCode(200).body("intermediary", equalTo("em-ed")));
        TestEvents.publish(Topics.ESCALATION, "escalation-service", first, 1, new EscalationManagerAssigned(
                first, ACME, caseNumber, "em-eve", "Eve", EVE, 1L));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryOne("SELECT COUNT(*) FROM case_escalation"
                + " WHERE case_number = ? AND manager_id IS NOT NULL", row -> row.getLong(1), caseNumber)
                .orElseThrow() == 2);
        as(ACME_ADMIN).get("/cases/" + caseNumber).then().body("intermediary", equalTo("em-ed"));
        // the intermediary alone of the two reads the case and writes to the customer
        as(EM_ED).get("/cases/" + caseNumber).then().statusCode(200);
        as(EM_EVE).get("/cases/" + caseNumber).then().statusCode(403);
        as(EM_EVE).body("{\"body\":\"Hello\"}").post("/cases/" + caseNumber + "/replies").then().statusCode(403);
        as(EM_ED).body("{\"body\":\"I am Ed, your escalation manager\"}").post("/cases/" + caseNumber + "/replies")
                .then().statusCode(200);
        // the later one's escalation over, the earlier one's manager is the intermediary again
        TestEvents.publish(Topics.ESCALATION, "escalation-service", second, 2, new EscalationWithdrawn(second,
                ACME, caseNumber, "AWAITING_APPROVAL", "Not needed", ed));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().body("intermediary", equalTo("em-eve")));
        // and once both are over, the engineer (the managers manage no case of the other tests)
        TestEvents.publish(Topics.ESCALATION, "escalation-service", first, 2, new EscalationWithdrawn(first,
                ACME, caseNumber, "AWAITING_APPROVAL", "Not needed", EVE));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().body("escalated", equalTo(false)).body("intermediary", equalTo("tse-tom")));
    }

    /** A withdrawn escalation no longer counts: its manager hands the customer back, on the internal timeline. */
    @Test
    void aWithdrawnEscalationEndsTheManagersTurnAsIntermediary() {
        String caseNumber = TestPrincipals.openAssignedCase("P2");
        String escalation = escalationRaisedOn(caseNumber);
        TestEvents.publish(Topics.ESCALATION, "escalation-service", escalation, 1, new EscalationManagerAssigned(
                escalation, ACME, caseNumber, "em-eve", "Eve", EVE));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().statusCode(200).body("escalated", equalTo(true)).body("intermediary", equalTo("em-eve")));

        TestEvents.publish(Topics.ESCALATION, "escalation-service", escalation, 2, new EscalationWithdrawn(escalation,
                ACME, caseNumber, "AWAITING_APPROVAL", "Customer found the cause", EVE));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().body("escalated", equalTo(false)).body("intermediary", equalTo("tse-tom")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(LEAD_LU).get("/cases/" + caseNumber
                + "/timeline").then().body("summary", hasItem("escalation: withdrawn (by Eve)")));
        as(ACME_ADMIN).get("/cases/" + caseNumber + "/timeline").then()
                .body("type", not(hasItem("io.casetrail.escalation.withdrawn.v1")));
        as(EM_EVE).body("{\"body\":\"Still here\"}").post("/cases/" + caseNumber + "/replies").then()
                .statusCode(403);
    }

    @Test
    void anActiveEscalationMarksTheCaseEscalatedAndItsManagerBecomesTheIntermediary() {
        String caseNumber = TestPrincipals.openAssignedCase("P2");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().statusCode(200).body("intermediary", equalTo("tse-tom")).body("escalated", equalTo(false)));
        as(EM_EVE).get("/cases/" + caseNumber).then().statusCode(403); // not (yet) its case
        String escalation = escalationRaisedOn(caseNumber);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().body("escalated", equalTo(true)).body("intermediary", equalTo("tse-tom")));

        TestEvents.publish(Topics.ESCALATION, "escalation-service", escalation, 1, new EscalationManagerAssigned(
                escalation, ACME, caseNumber, "em-eve", "Eve", new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT,
                Roles.TEAM_LEAD)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().body("intermediary", equalTo("em-eve")));
        // the manager reads the case it is the intermediary on (another manager does not), and it alone of support
        // writes to the customer; the engineer reaches it internally
        as(EM_EVE).get("/cases/" + caseNumber).then().statusCode(200).body("intermediary", equalTo("em-eve"));
        as(EM_EVE).get("/cases/" + caseNumber + "/timeline").then().statusCode(200);
        as(EM_EVE).queryParam("limit", 200).get("/cases").then().statusCode(200)
                .body("caseNumber", contains(caseNumber));
        as(EM_ED).get("/cases/" + caseNumber).then().statusCode(403);
        // a principal with more roles lists what each of them reads, and a filter applies to all of it
        String alsoEngineer = TestPrincipals.MINT.token("em-eve").role(Roles.ESCALATION_MANAGER)
                .role(Roles.SUPPORT_ENGINEER).team("sso").sign();
        as(alsoEngineer).queryParam("limit", 200).get("/cases").then().statusCode(200)
                .body("caseNumber", hasItem(caseNumber));
        as(alsoEngineer).queryParam("status", "NEW").queryParam("limit", 200).get("/cases").then().statusCode(200)
                .body("caseNumber", not(hasItem(caseNumber))).body("status", everyItem(equalTo("NEW")));
        as(EM_ED).queryParam("limit", 200).get("/cases").then().statusCode(200).body("caseNumber", not(hasItem(
                caseNumber)));
        as(TSE_TOM).body("{\"body\":\"Engineering is on it\"}").post("/cases/" + caseNumber + "/replies")
                .then().statusCode(409).body("detail", containsString("em-eve is the customer's intermediary"));
        as(LEAD_LU).body("{\"body\":\"Which IdP?\"}").post("/cases/" + caseNumber + "/information-requests")
                .then().statusCode(409);
        as(EM_ED).body("{\"body\":\"Hello\"}").post("/cases/" + caseNumber + "/replies").then().statusCode(403);
        as(EM_EVE).body("{\"body\":\"I am your escalation manager\"}").post("/cases/" + caseNumber + "/replies")
                .then().statusCode(200);
        // so also a knowledge article the customer reads, and the resolution it proposes
        String article = "{\"articleId\":\"KB-77\",\"title\":\"Session loops\",\"url\":\"https://kb.example.com/77\"}";
        as(TSE_TOM).body(article).post("/cases/" + caseNumber + "/knowledge-articles").then().statusCode(409);
        as(EM_ED).body(article).post("/cases/" + caseNumber + "/knowledge-articles").then().statusCode(403);
        as(EM_EVE).body(article).post("/cases/" + caseNumber + "/knowledge-articles").then().statusCode(200);
        String resolution = "{\"summary\":\"Fixed by Engineering\",\"knowledgeArticleId\":\"KB-77\"}";
        as(TSE_TOM).body(resolution).post("/cases/" + caseNumber + "/resolution").then().statusCode(409)
                .body("type", equalTo("https://casetrail.io/problems/intermediary"));
        as(EM_EVE).body(resolution).post("/cases/" + caseNumber + "/resolution").then().statusCode(200)
                .body("status", equalTo("RESOLVED_PENDING_CONFIRMATION"));
        as(TSE_TOM).body("{\"body\":\"Customer asks for an ETA\"}").post("/cases/" + caseNumber + "/internal-notes")
                .then().statusCode(200);
        as(EM_EVE).body("{\"body\":\"ETA is Friday\"}").post("/cases/" + caseNumber + "/internal-notes")
                .then().statusCode(200);
        as(EM_ED).body("{\"body\":\"Me too\"}").post("/cases/" + caseNumber + "/internal-notes")
                .then().statusCode(403);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as(ACME_ADMIN)
                .get("/cases/" + caseNumber + "/timeline").then()
                .body("findAll { it.type == 'io.casetrail.case.reply-posted.v1' }.actorId", hasItem("em-eve"))
                .body("findAll { it.type == 'io.casetrail.case.reply-posted.v1' }.actorId", not(hasItem("tse-tom"))));
        // the customer learns of its intermediary on the timeline; the escalation itself stays internal
        as(ACME_ADMIN).get("/cases/" + caseNumber + "/timeline").then()
                .body("type", hasItem("io.casetrail.escalation.manager-assigned.v1"))
                // who it is, though the customer sees no event data of another service
                .body("find { it.type == 'io.casetrail.escalation.manager-assigned.v1' }.summary",
                        equalTo("escalation: manager assigned: Eve (by Lu)"))
                .body("type", not(hasItem("io.casetrail.escalation.raised.v1")));
        as(LEAD_LU).get("/cases/" + caseNumber + "/timeline").then()
                .body("type", hasItem("io.casetrail.escalation.raised.v1"));

        TestEvents.publish(Topics.ESCALATION, "escalation-service", escalation, 2, new EscalationRejected(escalation,
                ACME, caseNumber, 0, "team-lead", "known issue", TOM));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().body("escalated", equalTo(false)).body("intermediary", equalTo("tse-tom")));
        // the escalation over, the engineer writes to the customer again and the manager no longer does, nor reads
        as(EM_EVE).get("/cases/" + caseNumber).then().statusCode(403);
        as(EM_EVE).body("{\"body\":\"Still here\"}").post("/cases/" + caseNumber + "/replies").then().statusCode(403);
        as(TSE_TOM).body("{\"body\":\"Back with me\"}").post("/cases/" + caseNumber + "/replies")
                .then().statusCode(200);

        // an escalation naming the case under another org changes nothing
        String stray = UUID.randomUUID().toString();
        TestEvents.publish(Topics.ESCALATION, "escalation-service", stray, 0, new EscalationRaised(stray,
                "org-globex", caseNumber, "sso", "defect", "s", "i", List.of(), List.of(), List.of(), List.of(), List.of(), TOM));
        String marker = UUID.randomUUID().toString();
        TestEvents.publish(Topics.ESCALATION, "escalation-service", marker, 0, new EscalationRaised(marker, ACME,
                caseNumber, "sso", "question", "q", "i", List.of(), List.of(), List.of(), List.of(), List.of(), TOM));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jdbc.queryOne(
                "SELECT COUNT(*) FROM case_escalation WHERE escalation_id = ?", row -> row.getLong(1), marker)
                .orElseThrow()).isEqualTo(1L));
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM case_escalation WHERE escalation_id = ?",
                row -> row.getLong(1), stray).orElseThrow()).isZero();
    }

    private CloudEvent orgAdminEvent(String id, String caseNumber, String name, String fields) {
        String data = """
                {"caseNumber":"%s","orgId":"%s",%s,
                 "actor":{"id":"tse-tom","displayName":"Tom Engineer","kind":"SUPPORT","role":"support-engineer"}}
                """.formatted(caseNumber, ACME, fields);
        return new CloudEvent(id, "/casetrail/org-admin-service", "io.casetrail.orgadmin." + name + ".v1",
                Instant.now(), caseNumber, ACME, caseNumber, "tse-tom", 0L, UUID.randomUUID().toString(),
                data.getBytes(StandardCharsets.UTF_8));
    }

        private CloudEvent accessEvent(String id, String caseNumber, String name, String org) {
        return accessEvent(id, caseNumber, name, org, "Sam Super");
    }

    /** The same, by a Super Administrator of a display name given as JSON writes it. */
    private CloudEvent accessEvent(String id, String caseNumber, String name, String org, String displayName) {
        String data = """
                {"caseNumber":"%s","orgId":"%s","grantId":"g-1",
                 "actor":{"id":"admin-sam","displayName":"%s","kind":"CUSTOMER","role":"org-super-admin"}}
                """.formatted(caseNumber, org, displayName);
        return new CloudEvent(id, "/casetrail/support-access-service", "io.casetrail.access." + name + ".v1",
                Instant.now(), "g-1", org, caseNumber, "admin-sam", 0L, UUID.randomUUID().toString(),
                data.getBytes(StandardCharsets.UTF_8));
    }

    private double duplicates() {
        return consumerCount("casetrail.consumer.duplicates");
    }

    /** A counter of the timeline's consumer of other contexts' events. */
    private double consumerCount(String name) {
        var counter = metrics.find(name).tag("consumer", "case-timeline").counter();
        return counter == null ? 0 : counter.count();
    }

    /** The sequence numbers of a case's records, each counted at its first appearance (re-sends ignored). */
    private static List<Long> firstSequences(List<ConsumerRecord<String, byte[]>> records, String caseNumber) {
        Set<String> seen = new LinkedHashSet<>();
        List<Long> sequences = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (!caseNumber.equals(record.key())) {
                continue;
            }
            CloudEvent event = CloudEventRecords.fromRecord(record);
            if (seen.add(event.id())) {
                sequences.add(event.sequence());
            }
        }
        return sequences;
    }
}
