package io.casetrail.cases.query;

import static io.casetrail.cases.api.TestPrincipals.ACME_ADMIN;
import static io.casetrail.cases.api.TestPrincipals.TSE_TOM;
import static io.casetrail.cases.api.TestPrincipals.as;
import static io.casetrail.cases.api.TestPrincipals.openAssignedCase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.casetrail.platform.store.Jdbc;
import io.quarkus.test.junit.QuarkusTest;

/** How the platform processes events: retry instead of skip, exactly-once writes, snapshots of long cases. */
@QuarkusTest
class PlatformProcessingTest {

    @Inject
    Jdbc jdbc;

    @Test
    void aFailingProjectionRollsBackAndRetriesInsteadOfSkippingTheEvent() {
        String caseNumber = as(ACME_ADMIN).body("""
                        {"orgUrl":"https://acme.okta.com","subject":"flaky login","description":"d",
                         "productArea":"SSO","priority":"P4","contactPreference":"EMAIL"}
                        """).post("/cases").then().statusCode(201).extract().path("caseNumber");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(FlakyProjection.ATTEMPTS.get())
                .isGreaterThanOrEqualTo(3));
        // two failed attempts wrote the row and were rolled back with their batch: exactly one row remains
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.query(
                "SELECT event_id FROM test_flaky_seen WHERE case_number = ?", row -> row.getString(1), caseNumber))
                .hasSize(1));
        assertThat(FlakyProjection.ATTEMPTS.get()).isEqualTo(3);
    }

    @Test
    void aLongCaseIsSnapshottedAndStillLoadsCorrectly() {
        String caseNumber = openAssignedCase("P3");
        for (int i = 0; i < 55; i++) {
            as(TSE_TOM).body("{\"body\":\"step " + i + "\"}").post("/cases/" + caseNumber + "/internal-notes")
                    .then().statusCode(200);
        }
        long snapshots = jdbc.queryOne("SELECT COUNT(*) FROM snapshotevententry WHERE aggregateidentifier = ?",
                row -> row.getLong(1), caseNumber).orElseThrow();
        assertThat(snapshots).isGreaterThanOrEqualTo(1);

        // the aggregate now loads from the snapshot: its state must be the same as from the full history
        as(TSE_TOM).body("{\"body\":\"Which app?\"}").post("/cases/" + caseNumber + "/information-requests")
                .then().statusCode(200).body("status", equalTo("PENDING_CUSTOMER"))
                .body("assignee", equalTo("tse-tom"));
        as(ACME_ADMIN).body("{\"body\":\"HR portal\"}").post("/cases/" + caseNumber + "/replies")
                .then().statusCode(200).body("status", equalTo("OPEN"));
    }
}
