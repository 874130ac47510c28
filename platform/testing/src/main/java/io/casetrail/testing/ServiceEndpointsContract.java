package io.casetrail.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import org.junit.jupiter.api.Test;

/**
 * What every Casetrail service answers, whatever its domain: liveness, readiness of its database and of Kafka,
 * its OpenAPI document and its metrics with processor lag. Each service's test extends it as a
 * {@code @QuarkusTest}.
 */
public abstract class ServiceEndpointsContract {

    @Test
    void livenessIsUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readinessChecksTheDatabaseAndKafka() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Database connections health check", "Kafka connection health check"));
    }

    @Test
    void openApiDocumentIsServed() {
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body("openapi", org.hamcrest.Matchers.startsWith("3."));
    }

    @Test
    void metricsIncludeTheRelayLag() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("casetrail_processor_lag_events{processor=\"kafka-relay\"}"));
    }
}
