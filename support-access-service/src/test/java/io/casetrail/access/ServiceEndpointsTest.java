package io.casetrail.access;

import io.casetrail.testing.KafkaTestResource;
import io.casetrail.testing.ServiceEndpointsContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** support-access-service starts alone and answers the endpoints every Casetrail service has. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class ServiceEndpointsTest extends ServiceEndpointsContract {
}
