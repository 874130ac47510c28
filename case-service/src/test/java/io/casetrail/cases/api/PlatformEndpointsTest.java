package io.casetrail.cases.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** case-service answers the endpoints every Casetrail service has. */
@QuarkusTest
class PlatformEndpointsTest {

    @Test
    void livenessIsUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readinessChecksTheDatabaseAndKafka() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Database connections health check",
                        "Kafka connection health check"));
    }

    @Test
    void openApiDescribesTheCaseApi() {
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/cases"))
                .body("paths", org.hamcrest.Matchers.hasKey("/cases/{caseNumber}/timeline"))
                .body("paths", org.hamcrest.Matchers.hasKey("/queues/teams/{team}/unassigned"));
    }

    @Test
    void metricsIncludeProcessorAndRelayLag() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("casetrail_processor_lag_events{processor=\"kafka-relay\"}"))
                .body(containsString("casetrail_processor_lag_events{processor=\"case-views\"}"));
    }
}
