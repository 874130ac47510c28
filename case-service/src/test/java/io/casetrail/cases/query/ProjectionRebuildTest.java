package io.casetrail.cases.query;

import static io.casetrail.cases.api.TestPrincipals.as;
import static io.casetrail.cases.api.TestPrincipals.openAssignedCase;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.casetrail.cases.api.TestPrincipals;
import io.casetrail.platform.axon.AxonRuntime;
import io.casetrail.platform.axon.ProjectionRebuilds;
import io.casetrail.platform.security.Roles;
import io.casetrail.platform.store.Jdbc;
import io.casetrail.testing.TokenMinter;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/** A projection rebuilt from the event store on an operator's request equals the one it replaced. */
@QuarkusTest
class ProjectionRebuildTest {

    static final String OPERATOR = TokenMinter.forTests().token("ops-olga").role(Roles.PLATFORM_OPERATOR).sign();
    static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    Jdbc jdbc;

    @Inject
    ProjectionRebuilds rebuilds;

    @Inject
    AxonRuntime axon;

    @Test
    void rebuiltViewsEqualTheOnesBefore() {
        String caseNumber = openAssignedCase("P2");
        as(TestPrincipals.TSE_TOM).body("{\"body\":\"Which app?\"}").post("/cases/" + caseNumber
                + "/information-requests").then().statusCode(200);
        await().atMost(WAIT).untilAsserted(() -> assertThat(caughtUp()).isTrue());
        List<Map<String, Object>> views = rows("SELECT * FROM case_view ORDER BY case_number");
        List<Map<String, Object>> timeline = rows("SELECT case_number, entry_id, occurred_at, source, type, actor_id,"
                + " visibility, summary FROM case_timeline WHERE source = 'case'"
                + " ORDER BY case_number, occurred_at, seq");
        assertThat(views).isNotEmpty();
        // a row changed behind the service's back: the rebuild puts back what the events say
        QuarkusTransaction.requiringNew().run(() -> jdbc.update("UPDATE case_view SET subject = 'changed behind"
                + " its back' WHERE case_number = ?", caseNumber));
        QuarkusTransaction.requiringNew().run(() -> jdbc.update("DELETE FROM case_timeline WHERE case_number = ?",
                caseNumber));

        for (String projection : List.of(CaseViewProjection.GROUP, CaseTimelineProjection.GROUP)) {
            given().auth().oauth2(OPERATOR).post("/ops/projections/" + projection + "/rebuild").then().statusCode(202)
                    .body("name", equalTo(projection));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(caughtUp()).isTrue());
        given().get("/q/metrics").then().body(containsString("casetrail_processor_replaying{processor=\"case-views\"}"));

        assertThat(rows("SELECT * FROM case_view ORDER BY case_number")).isEqualTo(views);
        // the same entries in the same order (the order the API shows: time, then insertion)
        assertThat(rows("SELECT case_number, entry_id, occurred_at, source, type, actor_id, visibility, summary FROM"
                + " case_timeline WHERE source = 'case' ORDER BY case_number, occurred_at, seq")).isEqualTo(timeline);
    }

    @Test
    void aRebuildThatFailsHalfwayIsFinishedByItsProcessorWithNothingLostOrAppliedTwice() {
        List<String> cases = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            cases.add(openAssignedCase("P3"));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(caughtUp()).isTrue());
        assertThat(probedCases()).isEqualTo(openedCases()).containsAll(cases);

        // the rebuild replays in chunks of three events (test profile); the probe fails once at the third case
        RebuildProbeProjection.FAIL_ONCE_ON.set(cases.get(2));
        given().auth().oauth2(OPERATOR).post("/ops/projections/" + RebuildProbeProjection.GROUP + "/rebuild").then()
                .statusCode(202);
        await().atMost(WAIT).untilAsserted(() -> assertThat(caughtUp()).isTrue());

        assertThat(RebuildProbeProjection.FAIL_ONCE_ON.get()).as("the probe did fail").isNull();
        // one row per CaseOpened event (keyed by the event's id: applied twice, its batch would never commit)
        assertThat(probedCases()).isEqualTo(openedCases());
    }

    /**
     * A processor that goes on from a rebuild cut short (here by a failure; after a crash it starts from the same
     * tokens) replays what the rebuild had not reached, and says so until it has passed where the rebuild began.
     */
    @Test
    void aProjectionGoingOnFromARebuildCutShortShowsItReplaysUntilItPassesWhereTheRebuildBegan() throws Exception {
        List<String> cases = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            cases.add(openAssignedCase("P3"));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(caughtUp()).isTrue());
        RebuildProbeProjection.Hold hold = new RebuildProbeProjection.Hold(cases.get(2));
        RebuildProbeProjection.FAIL_ONCE_ON.set(cases.get(2)); // the rebuild fails there
        RebuildProbeProjection.HOLD.set(hold); // and the processor, going on from the rebuild's token, waits there
        try {
            given().auth().oauth2(OPERATOR).post("/ops/projections/" + RebuildProbeProjection.GROUP + "/rebuild")
                    .then().statusCode(202);
            assertThat(hold.reached().await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            await().atMost(WAIT).until(() -> !rebuilds.rebuilding(RebuildProbeProjection.GROUP));
            assertThat(projection(RebuildProbeProjection.GROUP)).containsEntry("replaying", true);
            assertThat(((Number) projection(RebuildProbeProjection.GROUP).get("lag")).longValue()).isPositive();
            // and a rebuild may begin again: the processor going on by itself is no rebuild under way
            RebuildProbeProjection.HOLD.set(null);
            given().auth().oauth2(OPERATOR).post("/ops/projections/" + RebuildProbeProjection.GROUP + "/rebuild")
                    .then().statusCode(202);
        } finally {
            hold.released().countDown();
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(caughtUp()).isTrue());
        assertThat(projection(RebuildProbeProjection.GROUP)).containsEntry("replaying", false);
        assertThat(probedCases()).isEqualTo(openedCases()).containsAll(cases);
    }

    /** A rebuild that reaches the head of the store hands the processor a token that is no longer replaying. */
    @Test
    void aRebuildThatEndsAtTheHeadLeavesNothingReplaying() {
        openAssignedCase("P3");
        await().atMost(WAIT).untilAsserted(() -> assertThat(caughtUp()).isTrue());
        given().auth().oauth2(OPERATOR).post("/ops/projections/" + RebuildProbeProjection.GROUP + "/rebuild").then()
                .statusCode(202);
        await().atMost(WAIT).until(() -> !rebuilds.rebuilding(RebuildProbeProjection.GROUP));
        // no event since: the processor starts from where the rebuild ended, which is where it was reset from
        await().atMost(WAIT).untilAsserted(() -> assertThat(projection(RebuildProbeProjection.GROUP))
                .containsEntry("replaying", false).containsEntry("lag", 0));
        assertThat(probedCases()).isEqualTo(openedCases());
    }

    @Test
    void theIndexesARebuildDropsAreThereAgainAfterIt() {
        assumeTrue(jdbc.postgres(), "secondary indexes are deferred on PostgreSQL only");
        List<String> before = indexesOf("case_view");
        assertThat(before).contains("ix_case_assignee", "ix_case_team_status", "ix_case_org_status",
                "ix_case_product_area", "case_view_pkey");
        openAssignedCase("P2");
        given().auth().oauth2(OPERATOR).post("/ops/projections/case-views/rebuild").then().statusCode(202);
        await().atMost(WAIT).untilAsserted(() -> assertThat(caughtUp()).isTrue());
        await().atMost(WAIT).untilAsserted(() -> assertThat(indexesOf("case_view")).isEqualTo(before));
        assertThat(jdbc.query("SELECT count(*) FROM casetrail_deferred_index", r -> r.getLong(1)))
                .containsExactly(0L);
    }

    @Test
    void indexesLeftDroppedByARebuildCutShortAreCreatedAtStart() {
        assumeTrue(jdbc.postgres(), "secondary indexes are deferred on PostgreSQL only");
        String definition = jdbc.query("SELECT pg_get_indexdef('ix_case_team_status'::regclass)",
                r -> r.getString(1)).get(0);
        QuarkusTransaction.requiringNew().run(() -> {
            jdbc.update("INSERT INTO casetrail_deferred_index (index_name, processor, definition) VALUES (?, ?, ?)",
                    "ix_case_team_status", CaseViewProjection.GROUP, definition);
            jdbc.update("DROP INDEX ix_case_team_status");
        });
        assertThat(indexesOf("case_view")).doesNotContain("ix_case_team_status");

        rebuilds.restoreDeferredIndexes(); // what every start does

        assertThat(indexesOf("case_view")).contains("ix_case_team_status");
        assertThat(jdbc.query("SELECT pg_get_indexdef('ix_case_team_status'::regclass)", r -> r.getString(1)))
                .containsExactly(definition);
        assertThat(jdbc.query("SELECT count(*) FROM casetrail_deferred_index", r -> r.getLong(1)))
                .containsExactly(0L);
    }

    @AfterEach
    void noProbeFailureLeftOver() {
        RebuildProbeProjection.FAIL_ONCE_ON.set(null);
        RebuildProbeProjection.HOLD.set(null);
    }

    private List<String> probedCases() {
        return jdbc.query("SELECT case_number FROM test_rebuild_probe ORDER BY case_number", r -> r.getString(1));
    }

    private List<String> openedCases() {
        return jdbc.query("SELECT case_number FROM case_view ORDER BY case_number", r -> r.getString(1));
    }

    private List<String> indexesOf(String table) {
        return jdbc.query("SELECT indexname FROM pg_indexes WHERE tablename = ? ORDER BY indexname",
                r -> r.getString(1), table);
    }

    @Test
    void onlyOperationsRebuildAndNeverTheRelay() {
        as(TestPrincipals.LEAD_LU).post("/ops/projections/case-views/rebuild").then().statusCode(403);
        // what the projections are and how far they have come is for operations and auditors alone
        for (String other : List.of(TestPrincipals.ACME_ADMIN, TestPrincipals.TSE_TOM, TestPrincipals.LEAD_LU,
                TestPrincipals.EM_EVE, TestPrincipals.ENGINEER)) {
            as(other).get("/ops/projections").then().statusCode(403);
        }
        // an auditor sees the projections but never changes anything, a rebuild included
        as(TestPrincipals.AUDITOR).get("/ops/projections").then().statusCode(200);
        as(TestPrincipals.AUDITOR).post("/ops/projections/case-views/rebuild").then().statusCode(403);
        given().post("/ops/projections/case-views/rebuild").then().statusCode(401);
        given().auth().oauth2(OPERATOR).post("/ops/projections/kafka-relay/rebuild").then().statusCode(409);
        given().auth().oauth2(OPERATOR).post("/ops/projections/nothing/rebuild").then().statusCode(404);
        given().auth().oauth2(OPERATOR).get("/ops/projections").then().statusCode(200)
                .body("name", org.hamcrest.Matchers.hasItems("case-views", "case-timeline"));
    }

    /**
     * With two instances of the service, the one standing by (the other runs the projection, holding its token)
     * tells where the projection is, not the whole store as lag, and cannot rebuild it: it is refused and says
     * where to rebuild; the projection goes on where it was. The other instance is a claim on the projection's
     * token, as its instance holds it.
     */
    @Test
    void anInstanceStandingByReportsTheProjectionAndCannotRebuildIt() {
        openAssignedCase("P3");
        await().atMost(WAIT).untilAsserted(() -> assertThat(caughtUp()).isTrue());
        long position = ((Number) projection("case-views").get("position")).longValue();
        assertThat(position).isPositive();
        assertThat(projection("case-views")).containsEntry("runningHere", true);
        QuarkusTransaction.requiringNew().run(() -> jdbc.update("UPDATE tokenentry SET owner = 'another-instance',"
                + " timestamp = ? WHERE processorname = 'case-views'", Instant.now().plusSeconds(3600).toString()));
        try {
            await().atMost(WAIT).until(() -> axon.processor("case-views").orElseThrow().processingStatus().isEmpty());
            assertThat(projection("case-views")).containsEntry("lag", 0).containsEntry("replaying", false)
                    .containsEntry("runningHere", false);
            assertThat(((Number) projection("case-views").get("position")).longValue()).isEqualTo(position);
            given().auth().oauth2(OPERATOR).post("/ops/projections/case-views/rebuild").then().statusCode(409)
                    .body("type", equalTo("https://casetrail.io/problems/claimed-elsewhere"))
                    .body("detail", containsString("shows it runningHere"));
            assertThat(rebuilds.rebuilding("case-views")).isFalse();
        } finally {
            QuarkusTransaction.requiringNew().run(() -> jdbc.update("UPDATE tokenentry SET owner = NULL"
                    + " WHERE processorname = 'case-views'"));
        }
        // back with this instance, the projection goes on from its token
        String caseNumber = openAssignedCase("P3");
        await().atMost(WAIT).untilAsserted(() -> as(TestPrincipals.TSE_TOM).get("/cases/" + caseNumber).then()
                .statusCode(200).body("assignee", equalTo("tse-tom")));
    }

    private static Map<String, Object> projection(String name) {
        return given().auth().oauth2(OPERATOR).get("/ops/projections").then().statusCode(200).extract().jsonPath()
                .<Map<String, Object>>getList("$").stream().filter(p -> name.equals(p.get("name"))).findFirst()
                .orElseThrow();
    }

    private boolean caughtUp() {
        return given().auth().oauth2(OPERATOR).get("/ops/projections").then().statusCode(200).extract().jsonPath()
                .getList("$", Map.class).stream().allMatch(p -> ((Number) p.get("lag")).longValue() == 0
                        && !((Boolean) p.get("replaying")));
    }

    private List<Map<String, Object>> rows(String sql) {
        return jdbc.query(sql, ProjectionRebuildTest::row);
    }

    private static Map<String, Object> row(ResultSet r) throws SQLException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
            Object value = r.getObject(i);
            values.put(r.getMetaData().getColumnLabel(i).toLowerCase(), value == null ? null : value.toString());
        }
        return values;
    }
}
