package io.casetrail.access;

import java.util.Map;

import io.casetrail.testing.ServiceEndpointsContract;
import io.quarkus.test.junit.QuarkusTest;

/** support-access-service answers the endpoints every Casetrail service has. */
@QuarkusTest
class ServiceEndpointsTest extends ServiceEndpointsContract {
    @Override
    protected Map<String, String> successStatuses() {
        return Map.of(
                "post /sessions", "201",
                "post /org-api-tokens", "201",
                "delete /org-api-tokens/{tokenId}", "204");
    }

    @Override
    protected Map<String, String> credentials() {
        return Map.of(
                "get /sessions/current", "session",
                "get /sessions/{sessionId}", "jwt",
                "post /api/v1/org/privacy/oktaSupport/grant", "jwt ssws");
    }
}
