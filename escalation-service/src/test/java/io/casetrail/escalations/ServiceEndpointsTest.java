package io.casetrail.escalations;

import java.util.Map;

import io.casetrail.testing.KafkaTestResource;
import io.casetrail.testing.ServiceEndpointsContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** escalation-service starts alone and answers the endpoints every Casetrail service has. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class ServiceEndpointsTest extends ServiceEndpointsContract {
    @Override
    protected Map<String, String> successStatuses() {
        return Map.of(
                "post /cases/{caseNumber}/escalations", "201");
    }

    @Override
    protected Map<String, String> credentials() {
        return Map.of(
                "post /cases/{caseNumber}/escalations", "jwt");
    }
}
