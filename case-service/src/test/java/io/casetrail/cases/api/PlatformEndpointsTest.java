package io.casetrail.cases.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import io.casetrail.testing.ServiceEndpointsContract;
import io.quarkus.test.junit.QuarkusTest;

/** case-service answers the endpoints every Casetrail service has, and documents its own API. */
@QuarkusTest
class PlatformEndpointsTest extends ServiceEndpointsContract {

    @Test
    void openApiDescribesTheCaseApi() {
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", hasKey("/cases"))
                .body("paths", hasKey("/cases/{caseNumber}/timeline"))
                .body("paths", hasKey("/queues/teams/{team}/unassigned"))
                // the case commands take If-Match (read from the headers, documented by a filter); opening and
                // uploads do not
                .body("paths.'/cases/{caseNumber}/replies'.post.parameters.name", hasItem("If-Match"))
                .body("paths.'/cases/{caseNumber}/replies'.post.responses", hasKey("409"))
                .body("paths.'/cases/{caseNumber}/contacts/{contactId}'.delete.parameters.name", hasItem("If-Match"))
                .body("paths.'/cases'.post.parameters.name", not(hasItem("If-Match")))
                .body("paths.'/cases/{caseNumber}/attachments'.post.parameters.name", not(hasItem("If-Match")));
    }

    @Test
    void metricsIncludeTheProjectionLag() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("casetrail_processor_lag_events{processor=\"case-views\"}"))
                .body(containsString("casetrail_processor_lag_events{processor=\"case-timeline\"}"));
    }
}
