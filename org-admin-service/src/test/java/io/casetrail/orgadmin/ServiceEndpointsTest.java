package io.casetrail.orgadmin;

import io.casetrail.testing.KafkaTestResource;
import io.casetrail.testing.ServiceEndpointsContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** org-admin-service answers the endpoints every Casetrail service has. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(GreenMailResource.class)
class ServiceEndpointsTest extends ServiceEndpointsContract {
}
