package io.casetrail.cases.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import io.casetrail.platform.errors.ProblemMappers;
import io.casetrail.platform.security.Roles;
import io.casetrail.testing.ServiceEndpointsContract;
import io.casetrail.testing.TokenMinter;
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

    /**
     * A JSON body sent in chunks that passes the server's limit while the endpoint reads it is refused 413, the
     * connection closed, by the HTTP layer (before the mappers, so with no body); the service logs no failure of
     * its own for the caller's mistake.
     */
    @Test
    void aChunkedBodyOverTheLimitIsRefusedAndLogsNoFailure() throws java.io.IOException {
        List<LogRecord> errors = new CopyOnWriteArrayList<>();
        Handler recorder = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger mappers = Logger.getLogger(ProblemMappers.class.getName());
        mappers.addHandler(recorder);
        try {
            Answer answer = sendingChunks("/cases", 41_943_040 + 1, "Authorization: Bearer "
                    + TokenMinter.forTests().mint(Roles.ORG_ADMIN, "org-acme", "admin-ada") + "\r\n");
            assertThat(answer.text()).startsWith("HTTP/1.1 413 ");
            assertThat(answer.closed()).isTrue();
        } finally {
            mappers.removeHandler(recorder);
        }
        assertThat(errors).extracting(LogRecord::getMessage).isEmpty();
    }

    @Test
    void metricsIncludeTheProjectionLag() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("casetrail_processor_lag_events{processor=\"case-views\"}"))
                .body(containsString("casetrail_processor_lag_events{processor=\"case-timeline\"}"));
    }

    /** The connection pool's gauges (operations.md: what an operator watches when requests wait for connections). */
    @Test
    void metricsIncludeTheConnectionPool() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("agroal_active_count{datasource=\""))
                .body(containsString("agroal_awaiting_count{datasource=\""))
                .body(containsString("agroal_max_used_count{datasource=\""))
                .body(containsString("agroal_blocking_time_"));
    }

    @Override
    protected Map<String, String> successStatuses() {
        return Map.of(
                "post /cases", "201",
                "post /cases/{caseNumber}/reopen", "201",
                "post /cases/{caseNumber}/attachments", "201");
    }

    @Override
    protected Map<String, String> credentials() {
        return Map.of(
                "post /cases", "jwt");
    }
}
