package io.casetrail.orgadmin;

import java.util.Map;

import io.casetrail.testing.KafkaTestResource;
import io.casetrail.testing.ServiceEndpointsContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** org-admin-service answers the endpoints every Casetrail service has. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(GreenMailResource.class)
class ServiceEndpointsTest extends ServiceEndpointsContract {
    @Override
    protected Map<String, String> successStatuses() {
        return Map.of(
                "post /cases/{caseNumber}/consents", "201",
                "post /cases/{caseNumber}/consents/verbal", "201",
                "post /cases/{caseNumber}/consents/{consentId}/withdrawal", "204");
    }

    @Override
    protected Map<String, String> credentials() {
        return Map.of(
                "get /admin-view/policies", "session",
                "post /cases/{caseNumber}/consents", "jwt");
    }
}
