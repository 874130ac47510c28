package io.casetrail.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import io.casetrail.platform.security.VerifiedJwts;
import io.quarkus.arc.ClientProxy;
import io.smallrye.jwt.auth.principal.JWTParser;

/**
 * What every Casetrail service answers, whatever its domain: liveness, readiness of its database and of Kafka,
 * its OpenAPI document and its metrics with processor lag; and bearer tokens checked through {@link VerifiedJwts}.
 * Each service's test extends it as a {@code @QuarkusTest}.
 */
public abstract class ServiceEndpointsContract {

    @Inject
    JWTParser jwtParser;

    @Test
    void bearerTokensAreCheckedThroughVerifiedJwts() {
        // the parser smallrye-jwt's authentication mechanism is given, as it resolves it: by type
        Assertions.assertInstanceOf(VerifiedJwts.class, ClientProxy.unwrap(jwtParser));
    }

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
