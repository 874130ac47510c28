package io.casetrail.logs;

import java.util.Map;

import io.casetrail.testing.KafkaTestResource;
import io.casetrail.testing.ServiceEndpointsContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** log-service starts alone and answers the endpoints every Casetrail service has. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class ServiceEndpointsTest extends ServiceEndpointsContract {
    @Override
    protected Map<String, String> credentials() {
        return Map.of(
                "get /api/v1/logs", "jwt ssws",
                "get /orgs/{orgId}/api/v1/logs", "jwt");
    }
}
