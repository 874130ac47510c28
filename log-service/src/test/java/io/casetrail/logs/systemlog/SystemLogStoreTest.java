package io.casetrail.logs.systemlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.casetrail.logs.systemlog.filter.LogFilterParser;
import io.casetrail.platform.store.Jdbc;
import io.casetrail.testing.KafkaTestResource;
import io.casetrail.testing.LockWaits;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * System Log entries commit in the order of their sequence, whoever appends them (two log-service instances on one
 * database are two transactions here): a polling cursor that has passed a sequence has passed every entry under it.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class SystemLogStoreTest {

    @Inject
    SystemLogStore store;

    @Inject
    Jdbc jdbc;

    @Inject
    DataSource dataSource;

    @Test
    void anAppendWaitsUntilTheOneBeforeItHasCommitted() throws Exception {
        String org = "org-order-" + UUID.randomUUID();
        LogEventMapper.LogRecord first = record(org);
        LogEventMapper.LogRecord second = record(org);
        CountDownLatch firstAppended = new CountDownLatch(1);
        CountDownLatch firstMayCommit = new CountDownLatch(1);
        ExecutorService instances = Executors.newFixedThreadPool(2);
        try {
            Future<?> one = instances.submit(() -> QuarkusTransaction.requiringNew().run(() -> {
                store.append(first);
                firstAppended.countDown();
                try {
                    firstMayCommit.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(firstAppended.await(30, TimeUnit.SECONDS)).isTrue();
            Future<?> two = instances.submit(() -> QuarkusTransaction.requiringNew().run(() -> store.append(second)));
            // without the wait, the second would draw the next sequence and commit while the first is still open
            LockWaits.awaitWaiter(dataSource, "system_log_head", Duration.ofSeconds(30));
            assertThat(two).isNotDone();
            assertThat(stored(org)).isEmpty();

            firstMayCommit.countDown();
            one.get(30, TimeUnit.SECONDS);
            two.get(30, TimeUnit.SECONDS);
        } finally {
            firstMayCommit.countDown();
            instances.shutdownNow();
        }
        assertThat(stored(org)).containsExactly(first.uuid(), second.uuid());
    }

    /** An id longer than its index column is not indexed; the entry is stored (refusing it would stop the log). */
    @Test
    void anEntryWithATargetOrActorIdTooLongToIndexIsStoredWithTheOthersIndexed() {
        String org = "org-long-" + UUID.randomUUID();
        String longId = "ftr" + "X".repeat(300);
        String longActor = "a".repeat(300);
        var body = JsonNodeFactory.instance.objectNode().put("eventType", "system.feature.enable");
        body.putObject("actor").put("id", longActor);
        body.putArray("target").add(JsonNodeFactory.instance.objectNode().put("id", longId))
                .add(JsonNodeFactory.instance.objectNode().put("id", "case-1"));
        Instant published = Instant.now();
        LogEventMapper.LogRecord record = new LogEventMapper.LogRecord(UUID.randomUUID().toString(), org,
                published, "system.feature.enable", "WARN", longActor, "DENY", body, List.of(longId, "case-1"));
        assertThat(QuarkusTransaction.requiringNew().call(() -> store.append(record))).isTrue();
        assertStoredIndexingOnlyItsCase(org, record.uuid());
        // and a filter naming the long id finds it all the same, by its body
        for (String filter : List.of("target.id eq \"" + longId + "\"", "actor.id eq \"" + longActor + "\"",
                "target.id eq \"case-1\" and actor.id eq \"" + longActor + "\"")) {
            SystemLogQueries.Page page = new SystemLogQueries(jdbc, Duration.ofSeconds(30)).read(
                    new SystemLogQueries.LogQuery(org, published.minusSeconds(1), published.plusSeconds(1),
                            published.minusSeconds(1), false, false, null, LogFilterParser.parse(filter), List.of(),
                            10));
            assertThat(page.events()).as(filter).singleElement().asString().contains("\"case-1\"");
        }
    }

    /** An id or word with NUL, which PostgreSQL's text refuses, is not indexed; the entry is stored with the rest. */
    @Test
    void anEntryWithNulInAnIdOrWordIsStoredWithTheRestIndexed() {
        String org = "org-nul-" + UUID.randomUUID();
        String actor = "admin-\u0000sam";
        var body = JsonNodeFactory.instance.objectNode().put("eventType", "system.feature.enable")
                .put("displayMessage", "Enable \u0000feature");
        body.putObject("actor").put("id", actor);
        body.putArray("target").add(JsonNodeFactory.instance.objectNode().put("id", "ftr\u0000X"))
                .add(JsonNodeFactory.instance.objectNode().put("id", "case-1"));
        LogEventMapper.LogRecord record = new LogEventMapper.LogRecord(UUID.randomUUID().toString(), org,
                Instant.now(), "system.feature.enable", "INFO", actor, "SUCCESS", body, List.of("ftr\u0000X",
                "case-1"));
        assertThat(QuarkusTransaction.requiringNew().call(() -> store.append(record))).isTrue();
        assertStoredIndexingOnlyItsCase(org, record.uuid());
        assertThat(jdbc.query("SELECT keyword FROM system_log_keyword WHERE org_id = ?", row -> row.getString(1),
                org)).contains("enable", "case-1").noneMatch(keyword -> keyword.indexOf('\u0000') >= 0);
    }

    /** The org's one entry is stored; of its actor and targets, only its target case-1 is indexed. */
    private void assertStoredIndexingOnlyItsCase(String org, String uuid) {
        assertThat(stored(org)).containsExactly(uuid);
        assertThat(jdbc.query("SELECT target_id FROM system_log_target WHERE org_id = ?", row -> row.getString(1),
                org)).containsExactly("case-1");
        assertThat(jdbc.query("SELECT actor_id FROM system_log_event WHERE org_id = ?", row -> row.getString(1),
                org)).containsExactly((String) null);
    }

    /**
     * A filter no index holds makes a read scan the org's entries chunk after chunk; past its time, the page ends
     * where the scan stands, with a next link that goes on from there, and following it finds what was further on.
     */
    @Test
    void aScanThatRunsOutOfTimeEndsItsPageWithANextLinkThatGoesOn() {
        String org = "org-scan-" + UUID.randomUUID();
        Instant t0 = Instant.now().minusSeconds(3600);
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < 600; i++) {
                String message = i == 599 ? "the needle" : "entry " + i;
                store.append(new LogEventMapper.LogRecord(UUID.randomUUID().toString(), org, t0.plusMillis(i),
                        "user.session.impersonation.grant", "INFO", "admin-sam", "SUCCESS",
                        JsonNodeFactory.instance.objectNode().put("eventType", "user.session.impersonation.grant")
                                .put("displayMessage", message), List.of()));
            }
        });
        SystemLogQueries.LogQuery query = new SystemLogQueries.LogQuery(org, t0, t0.plusSeconds(60), t0, false,
                false, null, LogFilterParser.parse("displayMessage co \"needle\""), List.of(), 10);

        // with time to scan everything, one page holds the match
        SystemLogQueries.Page whole = new SystemLogQueries(jdbc, Duration.ofSeconds(30)).read(query);
        assertThat(whole.events()).singleElement().asString().contains("the needle");
        assertThat(whole.next()).isNull();

        // with none, the first chunk is all a page scans
        SystemLogQueries hurried = new SystemLogQueries(jdbc, Duration.ZERO);
        SystemLogQueries.Page first = hurried.read(query);
        assertThat(first.events()).isEmpty();
        assertThat(first.next()).isNotNull();
        SystemLogQueries.Page second = hurried.read(new SystemLogQueries.LogQuery(org, t0, t0.plusSeconds(60), t0,
                false, false, SystemLogQueries.Cursor.decode(first.next()), query.filter(), List.of(), 10));
        assertThat(second.events()).singleElement().asString().contains("the needle");
        assertThat(second.next()).isNull();
    }

    private List<String> stored(String org) {
        return jdbc.query("SELECT uuid FROM system_log_event WHERE org_id = ? ORDER BY seq", row -> row.getString(1),
                org);
    }

    private static LogEventMapper.LogRecord record(String org) {
        return new LogEventMapper.LogRecord(UUID.randomUUID().toString(), org, Instant.now(),
                "user.session.impersonation.grant", "INFO", "admin-sam", "SUCCESS",
                JsonNodeFactory.instance.objectNode().put("eventType", "user.session.impersonation.grant"), List.of());
    }
}
