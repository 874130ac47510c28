package io.casetrail.logs.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.Actor;
import io.casetrail.events.CloudEvent;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventCatalog;
import io.casetrail.events.EventJson;
import io.casetrail.events.RequestOrigin;
import io.casetrail.events.Topics;
import io.casetrail.events.access.GrantScope;
import io.casetrail.events.cases.CaseOpened;
import io.casetrail.events.cases.ContactPreference;
import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;
import io.casetrail.events.access.SupportAccessExtended;
import io.casetrail.events.access.SupportAccessGranted;
import io.casetrail.events.access.SupportAccessRevoked;
import io.casetrail.platform.kafka.CloudEventRecords;
import io.casetrail.platform.security.Roles;
import io.casetrail.platform.store.Jdbc;
import io.casetrail.testing.KafkaBrokers;
import io.casetrail.testing.KafkaTestResource;
import io.casetrail.testing.MovableClock;
import io.casetrail.testing.TestEvents;
import io.casetrail.testing.TokenMinter;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The audit replay over a few thousand events on a real broker against the running log-service: no difference on a
 * healthy system; the exact difference once a System Log row was changed, or removed, behind the service's back;
 * sequence gaps and redeliveries told apart.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class AuditReplayTest {

    static final String RUN = Long.toString(System.nanoTime(), 36);
    static final String ORG = "org-audit-" + RUN;
    static final String GAPPY = "org-gappy-" + RUN;
    static final String AUDITOR = TokenMinter.forTests().token("aud-al").role(Roles.AUDITOR).sign();
    static final Actor SAM = new Actor("admin-sam", "Sam", Actor.Kind.CUSTOMER, Roles.ORG_SUPER_ADMIN);
    static final ObjectMapper JSON = EventJson.newMapper();
    static final int AGGREGATES = 40;
    static final int EVENTS_EACH = 60;

    @TestHTTPResource("/")
    URL service;

    @Inject
    Jdbc jdbc;

    @Test
    void aHealthyReplayFindsNothingAndAChangedOrRemovedRowIsReportedExactly() throws Exception {
        Instant t0 = Instant.now().minus(Duration.ofHours(1));
        String redeliveredId = null;
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (int a = 0; a < AGGREGATES; a++) {
                String subject = ORG + "-grants-" + a;
                for (int seq = 0; seq < EVENTS_EACH; seq++) {
                    Instant at = t0.plusMillis(a * 1000L + seq);
                    DomainEvent event = seq == 0
                            ? new SupportAccessGranted(ORG, "g-" + a, GrantScope.ORG, null, List.of(), at.plus(
                            Duration.ofHours(8)), new RequestOrigin("203.0.113.9", "audit-test", null), SAM)
                            : new SupportAccessExtended(ORG, "g-" + a, GrantScope.ORG, null, List.of(),
                            at.plus(Duration.ofHours(8 + 24L * seq)), RequestOrigin.NONE, SAM);
                    String id = UUID.randomUUID().toString();
                    var record = record(subject, seq, event, at, id);
                    producer.send(record);
                    if (a == 0 && seq == 1) {
                        producer.send(record);                        // the relay re-sent it after a crash
                        redeliveredId = id;
                    }
                }
            }
            for (long seq : List.of(0L, 1L, 3L)) {                        // sequence 2 never reached the topic
                send(producer, GAPPY + "-grants", seq, new SupportAccessExtended(GAPPY, "g-x", GrantScope.ORG, null,
                        List.of(), t0.plus(Duration.ofHours(8)), RequestOrigin.NONE, SAM), t0.plusMillis(seq),
                        UUID.randomUUID().toString());
            }
            producer.flush();
        }
        int total = AGGREGATES * EVENTS_EACH;
        // 2,400 records through the System Log and the internal log, a transaction each: minutes on a busy machine
        await().atMost(Duration.ofSeconds(300)).until(() -> count(ORG) == total && count(GAPPY) == 3);

        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        AuditReport healthy = replay(ORG, new PrintStream(progress, true));
        assertThat(healthy.healthy()).as("%s", healthy).isTrue();
        assertThat(healthy.recordsRead()).isEqualTo(total + 1);
        assertThat(healthy.redelivered()).isEqualTo(1);
        assertThat(healthy.aggregates()).isEqualTo(AGGREGATES);
        assertThat(healthy.expectedEntries()).isEqualTo(total);
        assertThat(healthy.liveEntries()).isEqualTo(total);
        assertThat(healthy.gaps()).isEmpty();
        assertThat(progress.toString()).contains("replay: 1000 of").contains("records read");
        assertThat(redeliveredId).isNotNull();

        // from a point in time: the entries of events since then (aggregates 20 to 39, a second apart from t0),
        // compared with the live System Log since then; their records were all published after it
        AuditReport recent = new Replay(new Replay.Options(KafkaBrokers.shared().bootstrapServers(),
                service.toString(), AUDITOR, t0.plusSeconds(AGGREGATES / 2), ORG, null), System.err).run();
        assertThat(recent.healthy()).as("%s", recent).isTrue();
        assertThat(recent.expectedEntries()).isEqualTo(total / 2);
        assertThat(recent.liveEntries()).isEqualTo(total / 2);
        assertThat(recent.gaps()).isEmpty();

        AuditReport gappy = replay(GAPPY, System.err);
        assertThat(gappy.gaps()).containsExactly(new AuditReport.Gap(Topics.ACCESS + "/" + GAPPY + "-grants", 2));
        assertThat(gappy.healthy()).isFalse();

        // a projection row changed, and another removed, behind log-service's back
        String changedUuid = ids.get(ORG + "-grants-7#0");
        String removedUuid = ids.get(ORG + "-grants-9#1");
        QuarkusTransaction.requiringNew().run(() -> {
            jdbc.update("UPDATE system_log_event SET body = REPLACE(body, '\"result\":\"SUCCESS\"',"
                    + " '\"result\":\"FAILURE\"') WHERE uuid = ?", changedUuid);
            jdbc.update("DELETE FROM system_log_event WHERE uuid = ?", removedUuid);
            // and a third as stored before the LogEvent had all its keys: no key is a null key, not a change
            assertThat(jdbc.update("UPDATE system_log_event SET body = REPLACE(body, '\"zone\":null,', '')"
                    + " WHERE uuid = ?", ids.get(ORG + "-grants-11#1"))).isEqualTo(1);
            // and a fourth without its legacy type: only a refusal stored before refusals had one may lack it
            assertThat(jdbc.update("UPDATE system_log_event SET body = REPLACE(body,"
                    + " '\"legacyEventType\":\"core.user.impersonation.grant.extended\"', '\"legacyEventType\":null')"
                    + " WHERE uuid = ?", ids.get(ORG + "-grants-12#1"))).isEqualTo(1);
            // and the index of two more, their bodies untouched: a filter on the type, a q on the actor's name
            // would no longer find them
            assertThat(jdbc.update("UPDATE system_log_event SET event_type = 'user.session.start' WHERE uuid = ?",
                    ids.get(ORG + "-grants-15#1"))).isEqualTo(1);
            assertThat(jdbc.update("DELETE FROM system_log_keyword WHERE keyword = 'sam' AND seq = (SELECT seq FROM"
                    + " system_log_event WHERE uuid = ?)", ids.get(ORG + "-grants-16#1"))).isEqualTo(1);
        });
        assertThat(jdbc.queryOne("SELECT body FROM system_log_event WHERE uuid = ?", row -> row.getString(1),
                ids.get(ORG + "-grants-12#1")).orElseThrow()).contains("\"legacyEventType\":null");
        assertThat(jdbc.queryOne("SELECT body FROM system_log_event WHERE uuid = ?", row -> row.getString(1),
                ids.get(ORG + "-grants-11#1")).orElseThrow()).contains("\"client\":{").doesNotContain("\"zone\"");
        AuditReport tampered = replay(ORG, System.err);
        assertThat(tampered.healthy()).isFalse();
        assertThat(tampered.changed()).containsExactlyInAnyOrder(new AuditReport.Change(ORG, changedUuid,
                "outcome.result", "\"SUCCESS\"", "\"FAILURE\""), new AuditReport.Change(ORG,
                ids.get(ORG + "-grants-12#1"), "legacyEventType", "\"core.user.impersonation.grant.extended\"",
                "null"), new AuditReport.Change(ORG, ids.get(ORG + "-grants-15#1"), "index eventType",
                "user.session.impersonation.extend", "user.session.start"), new AuditReport.Change(ORG,
                ids.get(ORG + "-grants-16#1"), "index keyword", "sam", null));
        assertThat(tampered.missing()).containsExactly(new AuditReport.Entry(ORG, removedUuid,
                "user.session.impersonation.extend"));
        assertThat(tampered.unexpected()).isEmpty();
        assertThat(tampered.liveEntries()).isEqualTo(total - 1);

        Path dir = Files.createTempDirectory("audit-");
        Path json = tampered.write(dir);
        assertThat(Files.readString(json)).contains(changedUuid).contains("\"healthy\" : false");
        assertThat(Files.readString(dir.resolve("audit-report.html"))).contains("differences")
                .contains(changedUuid).contains(removedUuid).contains("outcome.result");

        // an entry served in another org's System Log, its body untouched: missing from its own org's, and
        // unexplained in the other's, when a replay of every org reads both
        String movedUuid = ids.get(ORG + "-grants-13#1");
        QuarkusTransaction.requiringNew().run(() -> assertThat(jdbc.update(
                "UPDATE system_log_event SET org_id = ? WHERE uuid = ?", GAPPY, movedUuid)).isEqualTo(1));
        AuditReport everyOrg = new Replay(new Replay.Options(KafkaBrokers.shared().bootstrapServers(),
                service.toString(), AUDITOR, null, null, null), System.err).run();
        assertThat(everyOrg.healthy()).isFalse();
        assertThat(everyOrg.missing()).contains(new AuditReport.Entry(ORG, movedUuid,
                "user.session.impersonation.extend"));
        assertThat(everyOrg.unexpected()).contains(new AuditReport.Entry(GAPPY, movedUuid,
                "user.session.impersonation.extend"));
        // its index rows, left in its own org, are no further difference: the entry is reported as unexplained
        assertThat(everyOrg.changed()).noneMatch(change -> change.uuid().equals(movedUuid));
    }

    /**
     * log-service shows 90 days back from when it answers: a replay whose reads of the live System Log end later
     * than it started (a long run, waits for the rate limit) compares only what every read could show, on both
     * sides, not an entry near the window's start that a later read no longer has.
     */
    @Test
    void entriesAtTheWindowsStartThatALaterReadNoLongerShowsAreNotCompared() throws Exception {
        String org = "org-edge-" + RUN;
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            Instant edge = now.minus(Replay.SYSTEM_LOG_WINDOW).plus(Duration.ofMinutes(3));
            send(producer, org, 0, new SupportAccessGranted(org, "g-1", GrantScope.CASE, "00100001",
                    List.of("00100001"), now.plus(Duration.ofHours(8)), RequestOrigin.NONE, SAM), edge,
                    UUID.randomUUID().toString());
            send(producer, org, 1, new SupportAccessExtended(org, "g-1", GrantScope.CASE, "00100001",
                    List.of("00100001"), now.plus(Duration.ofHours(32)), RequestOrigin.NONE, SAM),
                    now.minus(Duration.ofMinutes(10)), UUID.randomUUID().toString());
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> count(org) == 2);
        // the replay's reads of the live System Log end five minutes after it started
        MovableClock clock = new MovableClock();
        ByteArrayOutputStream seen = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] bytes, int offset, int length) {
                super.write(bytes, offset, length);
                if (toString(java.nio.charset.StandardCharsets.UTF_8).contains("reading the live System Log")
                        && clock.instant().isBefore(Instant.now().plusSeconds(60))) {
                    clock.advance(Duration.ofMinutes(5));
                }
            }
        };
        AuditReport report = new Replay(new Replay.Options(KafkaBrokers.shared().bootstrapServers(),
                service.toString(), AUDITOR, null, org, null), new PrintStream(seen, true), clock).run();
        assertThat(report.healthy()).as("%s", report).isTrue();
        assertThat(report.expectedEntries()).isEqualTo(1); // the recent one; the one at the edge on neither side
        assertThat(report.liveEntries()).isEqualTo(1);
    }

    /**
     * One case's audit ({@code --case}): support access is one aggregate per org, its sequence shared by the org's
     * cases, so it is checked whole; the case's entries are its own grants and the org-wide grants covering it.
     */
    @Test
    void aCasesReplayChecksItsOrgsAccessWholeAndComparesTheCasesEntries() throws Exception {
        String org = "org-cases-" + RUN;
        String subject = org;
        Instant t0 = Instant.now().minus(Duration.ofMinutes(30));
        List<DomainEvent> events = List.of(
                new SupportAccessGranted(org, "g-a", GrantScope.CASE, "00100001", List.of("00100001"),
                        t0.plus(Duration.ofHours(8)), RequestOrigin.NONE, SAM),
                new SupportAccessGranted(org, "g-b", GrantScope.CASE, "00100002", List.of("00100002"),
                        t0.plus(Duration.ofHours(8)), RequestOrigin.NONE, SAM),
                new SupportAccessGranted(org, "g-org", GrantScope.ORG, null, List.of("00100001", "00100003"),
                        t0.plus(Duration.ofHours(8)), RequestOrigin.NONE, SAM),
                new SupportAccessExtended(org, "g-b", GrantScope.CASE, "00100002", List.of("00100002"),
                        t0.plus(Duration.ofHours(32)), RequestOrigin.NONE, SAM));
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (int seq = 0; seq < events.size(); seq++) {
                send(producer, subject, seq, events.get(seq), t0.plusMillis(seq), UUID.randomUUID().toString());
            }
            // another aggregate of the org, of another case, with two different events at one sequence
            SupportAccessGranted other = new SupportAccessGranted(org, "g-z", GrantScope.CASE, "00100009",
                    List.of("00100009"), t0.plus(Duration.ofHours(8)), RequestOrigin.NONE, SAM);
            send(producer, subject + "-other", 0, other, t0, UUID.randomUUID().toString());
            send(producer, subject + "-other", 0, other, t0, UUID.randomUUID().toString());
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> count(org) == events.size() + 2);
        AuditReport whole = replay(org, System.err);
        assertThat(whole.duplicates()).hasSize(1);
        assertThat(whole.healthy()).isFalse();

        AuditReport ofCase = new Replay(new Replay.Options(KafkaBrokers.shared().bootstrapServers(),
                service.toString(), AUDITOR, null, org, "00100001"), System.err).run();
        assertThat(ofCase.healthy()).as("%s", ofCase).isTrue();
        assertThat(ofCase.gaps()).isEmpty();
        assertThat(ofCase.duplicates()).isEmpty(); // the other case's aggregate is not the case's audit
        assertThat(ofCase.recordsRead()).isEqualTo(events.size());
        assertThat(ofCase.aggregates()).isEqualTo(1);
        assertThat(ofCase.expectedEntries()).isEqualTo(2); // its own grant, and the org-wide one covering it
        assertThat(ofCase.liveEntries()).isEqualTo(2);
        AuditReport other = new Replay(new Replay.Options(KafkaBrokers.shared().bootstrapServers(),
                service.toString(), AUDITOR, null, org, "00100002"), System.err).run();
        assertThat(other.healthy()).as("%s", other).isTrue();
        assertThat(other.expectedEntries()).isEqualTo(2); // its grant and its extension
    }

    /**
     * A broker without the system's topics (another cluster, or a topic whose history was deleted) is no audit of
     * nothing reading as healthy: the replay cannot run (exit 2), and it creates no topic by asking for it.
     */
    @Test
    void aTopicMissingFromTheBrokerStopsTheReplayAndIsNotCreated() throws Exception {
        String missing = "casetrail.missing-" + UUID.randomUUID() + ".v1";
        Replay replay = new Replay(new Replay.Options(KafkaBrokers.shared().bootstrapServers(), service.toString(),
                AUDITOR, null, null, null), System.err);
        try (var consumer = replay.consumer()) {
            assertThat(replay.partitionsOf(consumer, List.of(Topics.CASE))).isNotEmpty();
            assertThatThrownBy(() -> replay.partitionsOf(consumer, List.of(Topics.CASE, missing)))
                    .isInstanceOf(java.io.IOException.class).hasMessage("topic " + missing + " does not exist on "
                            + KafkaBrokers.shared().bootstrapServers() + ": not the system's broker, or the topic was"
                            + " deleted");
        }
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers",
                KafkaBrokers.shared().bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).contains(Topics.CASE).doesNotContain(missing);
        }
    }

    /**
     * On a running system: an event that reaches its topic after the replay read the topics, and its System Log
     * entry before the replay reads the System Log, is neither unexplained nor compared.
     */
    @Test
    void anEventThatCameAfterTheReplayReadTheTopicsIsNotUnexplained() throws Exception {
        String org = "org-running-" + RUN;
        Instant t0 = Instant.now().minus(Duration.ofMinutes(10));
        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, org, 0, new SupportAccessGranted(org, "g-1", GrantScope.CASE, "00100001",
                    List.of("00100001"), t0.plus(Duration.ofHours(8)), RequestOrigin.NONE, SAM), t0, "r-0-" + RUN);
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> count(org) == 1);
        // the moment the replay turns to the live System Log, the org's super admin extends the grant
        java.util.concurrent.atomic.AtomicBoolean extended = new java.util.concurrent.atomic.AtomicBoolean();
        PrintStream seen = whenReadingTheLiveLog(extended, () -> {
            try (KafkaProducer<String, byte[]> producer = producer()) {
                send(producer, org, 1, new SupportAccessExtended(org, "g-1", GrantScope.CASE, "00100001",
                        List.of("00100001"), t0.plus(Duration.ofHours(32)), RequestOrigin.NONE, SAM),
                        Instant.now(), "r-1-" + RUN);
                producer.flush();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> count(org) == 2);
        });
        AuditReport report = replay(org, seen);
        assertThat(extended).isTrue();
        assertThat(report.unexpected()).isEmpty();
        assertThat(report.healthy()).as("%s", report).isTrue();
        assertThat(report.expectedEntries()).isEqualTo(1);
        assertThat(report.liveEntries()).isEqualTo(1);
    }

    /**
     * On a running system the relay may send an event again (a crash before its acknowledgement): sent again after
     * the replay read the topics, the event is still the one the replay read, and its entry is compared, not missing.
     */
    @Test
    void anEventSentAgainWhileTheReplayRanIsComparedNotMissing() throws Exception {
        String org = "org-resent-" + RUN;
        Instant t0 = Instant.now().minus(Duration.ofMinutes(10));
        SupportAccessGranted granted = new SupportAccessGranted(org, "g-1", GrantScope.CASE, "00100001",
                List.of("00100001"), t0.plus(Duration.ofHours(8)), RequestOrigin.NONE, SAM);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, org, 0, granted, t0, "r-0-" + org);
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> count(org) == 1);
        java.util.concurrent.atomic.AtomicBoolean resent = new java.util.concurrent.atomic.AtomicBoolean();
        PrintStream seen = whenReadingTheLiveLog(resent, () -> {
            try (KafkaProducer<String, byte[]> producer = producer()) {
                send(producer, org, 0, granted, t0, "r-0-" + org);
                producer.flush();
            }
        });
        AuditReport report = replay(org, seen);
        assertThat(resent).isTrue();
        assertThat(report.missing()).isEmpty();
        assertThat(report.healthy()).as("%s", report).isTrue();
        assertThat(report.expectedEntries()).isEqualTo(1);
        assertThat(report.liveEntries()).isEqualTo(1);
    }

    /**
     * A record with an event's headers around a value that is no JSON text (consumers pass over it) is reported
     * unreadable, and the replay goes on to the records behind it.
     */
    @Test
    void aRecordWhoseValueIsNoJsonIsReportedUnreadable() throws Exception {
        String org = "org-nojson-" + RUN;
        Instant t0 = Instant.now().minus(Duration.ofMinutes(10));
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(CloudEventRecords.toRecord(Topics.ACCESS, new CloudEvent("bad-" + org,
                    "/casetrail/support-access-service", EventCatalog.typeOf(SupportAccessGranted.class), t0, org,
                    org, "00100001", "admin-sam", 0L, "c-" + org, "not json {".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8))));
            send(producer, org, 1, new SupportAccessRevoked(org, "g-1", GrantScope.CASE, "00100001",
                    List.of("00100001"), RequestOrigin.NONE, SAM), t0.plus(Duration.ofMinutes(1)), "ok-" + org);
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> count(org) == 1);
        AuditReport report = replay(org, new PrintStream(new ByteArrayOutputStream(), true));
        assertThat(report.unreadable()).hasSize(1);
        assertThat(report.unreadable().get(0)).startsWith(Topics.ACCESS + "/");
        assertThat(report.healthy()).isFalse();
        assertThat(report.expectedEntries()).isEqualTo(1);
        assertThat(report.liveEntries()).isEqualTo(1);
        assertThat(report.missing()).isEmpty();
        assertThat(report.unexpected()).isEmpty();
    }

    /**
     * A record whose time no database keeps (year 10000) is passed over by every consumer, as no CloudEvent: the
     * replay takes it as the consumers do, so it is reported as unreadable, not as an entry missing from the live
     * System Log. (Read here record by record: an unreadable record names no org a replay could leave it to, and
     * one on the shared topics would be reported by every other test's replay.)
     */
    @Test
    void aRecordWhoseTimeNoStoreKeepsIsNoEventToTheReplay() throws Exception {
        for (String time : List.of("+10000-01-01T00:00:00Z", "-5000-01-01T00:00:00Z")) {
            org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> sent = CloudEventRecords.toRecord(
                    Topics.ACCESS, new CloudEvent("far", "/casetrail/support-access-service",
                            EventCatalog.typeOf(SupportAccessRevoked.class), null, "org-far", "org-far", "00100001",
                            "admin-sam", 0L, "c-far", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record =
                    new org.apache.kafka.clients.consumer.ConsumerRecord<>(Topics.ACCESS, 0, 1L, sent.key(),
                            sent.value());
            sent.headers().forEach(record.headers()::add);
            record.headers().add(io.casetrail.events.CloudEventHeaders.TIME,
                    time.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(Replay.cloudEvent(record)).as(time).isNull();
        }
    }

    /**
     * A replay of every org reads the live System Log of every org its records name, not only of those it expects
     * entries of: an entry moved into an org that should have none is unexplained there (and missing where it was).
     */
    @Test
    void aReplayOfEveryOrgFindsAnEntryInAnOrgThatShouldHaveNone() throws Exception {
        String moved = "org-moved-" + RUN;
        String quiet = "org-quiet-" + RUN;
        Instant t0 = Instant.now().minus(Duration.ofMinutes(20));
        String uuid = UUID.randomUUID().toString();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, moved + "-grants", 0, new SupportAccessGranted(moved, "g-m", GrantScope.ORG, null,
                    List.of(), t0.plus(Duration.ofHours(8)), RequestOrigin.NONE, SAM), t0, uuid);
            producer.flush();
        }
        // the quiet org has cases, and no support activity: no System Log entry
        TestEvents.publish(Topics.CASE, "case-service", "00900001", 0, new CaseOpened("00900001", quiet,
                "https://quiet.okta.com", "s", "d", ProductArea.SSO, Priority.P3, ContactPreference.EMAIL,
                "admin-q", List.of(), "sso", null, new Actor("admin-q", "Q", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN)));
        // and a case opened on a customer's behalf under an org id with a typo no URL takes as it is
        TestEvents.publish(Topics.CASE, "case-service", "00900002", 0, new CaseOpened("00900002",
                "org acme/typo?" + RUN, "https://acme.okta.com", "s", "d", ProductArea.SSO, Priority.P3,
                ContactPreference.EMAIL, "admin-q", List.of(), "sso", null, new Actor("lead-lu", "Lu",
                        Actor.Kind.SUPPORT, Roles.TEAM_LEAD)));
        await().atMost(Duration.ofSeconds(60)).until(() -> count(moved) == 1);
        QuarkusTransaction.requiringNew().run(() -> {
            for (String table : List.of("system_log_event", "system_log_target", "system_log_keyword")) {
                jdbc.update("UPDATE " + table + " SET org_id = ? WHERE org_id = ?", quiet, moved);
            }
        });
        AuditReport everyOrg = new Replay(new Replay.Options(KafkaBrokers.shared().bootstrapServers(),
                service.toString(), AUDITOR, null, null, null), System.err).run();
        assertThat(everyOrg.unexpected()).as("%s", everyOrg)
                .contains(new AuditReport.Entry(quiet, uuid, "user.session.impersonation.grant"));
        assertThat(everyOrg.missing()).extracting(AuditReport.Entry::uuid).contains(uuid);
        assertThat(everyOrg.healthy()).isFalse();
    }

    /**
     * An entry forged into an org's System Log with a time ahead of now is served to a polling client: the replay
     * reads the live log up to the last time the API takes, so it is unexplained there, not passed over.
     */
    @Test
    void anEntryForgedWithATimeAheadIsUnexplained() throws Exception {
        String org = "org-ahead-" + RUN;
        String uuid = grantedTenMinutesAgo(org);
        String forged = UUID.randomUUID().toString();
        long ahead = Instant.now().plus(Duration.ofDays(1)).toEpochMilli();
        QuarkusTransaction.requiringNew().run(() -> assertThat(jdbc.update("INSERT INTO system_log_event (uuid,"
                + " org_id, published_ms, ingested_ms, event_type, severity, actor_id, outcome_result, body) SELECT ?,"
                + " org_id, ?, ingested_ms, event_type, severity, actor_id, outcome_result, REPLACE(body, ?, ?) FROM"
                + " system_log_event WHERE uuid = ?", forged, ahead, uuid, forged, uuid)).isEqualTo(1));
        AuditReport report = replay(org, System.err);
        assertThat(report.unexpected()).as("%s", report)
                .containsExactly(new AuditReport.Entry(org, forged, "user.session.impersonation.grant"));
        assertThat(report.healthy()).isFalse();
    }

    /**
     * Entries the API serves are all compared, whatever they say of themselves: a copy of an entry (its uuid shown
     * twice), an entry whose body claims a time long past (served by the time it is stored under), and an entry whose
     * time is no time at all (a changed field, not an audit that stops).
     */
    @Test
    void anEntryShownTwiceOrClaimingAnOldTimeIsReportedNotPassedOver() throws Exception {
        String org = "org-copied-" + RUN;
        String uuid = grantedTenMinutesAgo(org);
        String body = jdbc.queryOne("SELECT body FROM system_log_event WHERE uuid = ?", row -> row.getString(1), uuid)
                .orElseThrow();
        String copy = "INSERT INTO system_log_event (uuid, org_id, published_ms, ingested_ms, event_type, severity,"
                + " actor_id, outcome_result, body) SELECT ?, org_id, published_ms, ingested_ms, event_type, severity,"
                + " actor_id, outcome_result, ? FROM system_log_event WHERE uuid = ?";
        String forged = UUID.randomUUID().toString();
        String claimingThePast = body.replace(uuid, forged).replaceFirst("\"published\":\"[^\"]+\"",
                "\"published\":\"2000-01-01T00:00:00.000Z\"");
        QuarkusTransaction.requiringNew().run(() -> {
            assertThat(jdbc.update(copy, uuid + "-copy", body, uuid)).isEqualTo(1);
            assertThat(jdbc.update(copy, forged, claimingThePast, uuid)).isEqualTo(1);
        });
        AuditReport report = replay(org, System.err);
        assertThat(report.unexpected()).as("%s", report).containsExactlyInAnyOrder(
                new AuditReport.Entry(org, uuid, "user.session.impersonation.grant"),
                new AuditReport.Entry(org, forged, "user.session.impersonation.grant"));
        assertThat(report.liveEntries()).isEqualTo(3);
        assertThat(report.healthy()).isFalse();

        QuarkusTransaction.requiringNew().run(() -> assertThat(jdbc.update("UPDATE system_log_event SET body = ?"
                + " WHERE uuid = ?", body.replaceFirst("\"published\":\"[^\"]+\"", "\"published\":\"x\""), uuid))
                .isEqualTo(1));
        AuditReport unreadableTime = replay(org, System.err);
        assertThat(unreadableTime.changed()).as("%s", unreadableTime).extracting(c -> c.uuid() + " " + c.field())
                .contains(uuid + " published");
    }

    /**
     * A replay that cannot read an org's live System Log (log-service away, the token refused) could not run, also
     * for an org it expects no entries of (a case's replay where the case had no support access): it fails, never
     * reports a healthy log it did not read.
     */
    @Test
    void aReplayThatCannotReadTheLiveSystemLogFails() throws Exception {
        String quiet = "org-unread-" + RUN;
        TestEvents.publish(Topics.CASE, "case-service", "00900003", 0, new CaseOpened("00900003", quiet,
                "https://quiet.okta.com", "s", "d", ProductArea.SSO, Priority.P3, ContactPreference.EMAIL, "admin-q",
                List.of(), "sso", null, new Actor("admin-q", "Q", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN)));
        String customer = TokenMinter.forTests().token("admin-q").role(Roles.ORG_ADMIN).org("org-other").sign();
        for (Replay.Options options : List.of(
                new Replay.Options(KafkaBrokers.shared().bootstrapServers(), "http://127.0.0.1:1", AUDITOR, null,
                        null, "00900003"),
                new Replay.Options(KafkaBrokers.shared().bootstrapServers(), service.toString(), customer, null,
                        null, "00900003"))) {
            assertThatThrownBy(() -> new Replay(options, System.err).run()).as(options.logServiceUrl())
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    private AuditReport replay(String org, PrintStream progress) throws Exception {
        return new Replay(new Replay.Options(KafkaBrokers.shared().bootstrapServers(), service.toString(), AUDITOR,
                null, org, null), progress).run();
    }

    /** Something done (once, then {@code done} is set) the moment the replay turns to the live System Log. */
    interface Step {
        void run() throws Exception;
    }

    private static PrintStream whenReadingTheLiveLog(java.util.concurrent.atomic.AtomicBoolean done, Step step) {
        return new PrintStream(new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] bytes, int offset, int length) {
                super.write(bytes, offset, length);
                if (toString(java.nio.charset.StandardCharsets.UTF_8).contains("reading the live System Log")
                        && done.compareAndSet(false, true)) {
                    try {
                        step.run();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }, true);
    }

    /** An org-wide grant of a new org ten minutes ago, its entry in the System Log, which replays healthy. */
    private String grantedTenMinutesAgo(String org) throws Exception {
        Instant t0 = Instant.now().minus(Duration.ofMinutes(10));
        String uuid = UUID.randomUUID().toString();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, org + "-grants", 0, new SupportAccessGranted(org, "g-a", GrantScope.ORG, null, List.of(),
                    t0.plus(Duration.ofHours(8)), RequestOrigin.NONE, SAM), t0, uuid);
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> count(org) == 1);
        assertThat(replay(org, System.err).healthy()).isTrue();
        return uuid;
    }

    private long count(String org) {
        return jdbc.queryOne("SELECT COUNT(*) FROM system_log_event WHERE org_id = ?", row -> row.getLong(1), org)
                .orElse(0L);
    }

    /** Event ids by aggregate and sequence ({@code subject#seq}): the System Log uuid is the event's id. */
    private final Map<String, String> ids = new java.util.concurrent.ConcurrentHashMap<>();

    private void send(KafkaProducer<String, byte[]> producer, String subject, long seq, DomainEvent event, Instant at,
                      String id) throws Exception {
        producer.send(record(subject, seq, event, at, id));
    }

    private org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> record(String subject, long seq,
            DomainEvent event, Instant at, String id) throws Exception {
        ids.putIfAbsent(subject + "#" + seq, id);
        return CloudEventRecords.toRecord(Topics.ACCESS, new CloudEvent(id, "/casetrail/support-access-service",
                EventCatalog.typeOf(event.getClass()), at, subject, event.orgId(), event.caseNumber(),
                event.actor().id(), seq, UUID.randomUUID().toString(), JSON.writeValueAsBytes(event)));
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBrokers.shared().bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    }
}
