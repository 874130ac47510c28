package io.casetrail.systemtests;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

/**
 * What each packaged service serves beside its API, as it runs in production (the test runs of a service include
 * Swagger UI whatever its configuration; only a packaged service shows what production has): its OpenAPI document
 * and Swagger UI (ARCHITECTURE.md).
 */
class PackagedServicesTest extends StackTest {

    @Test
    void everyServiceServesItsOpenApiDocumentAndSwaggerUi() {
        for (String service : Stack.SERVICES) {
            given().get(url(service, "/q/openapi?format=json")).then().statusCode(200)
                    .body("openapi", startsWith("3."));
            given().get(url(service, "/q/swagger-ui/")).then().statusCode(200).contentType(containsString("text/html"))
                    .body(containsString("swagger"));
        }
    }
}
