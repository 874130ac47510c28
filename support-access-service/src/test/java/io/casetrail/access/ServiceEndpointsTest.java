package io.casetrail.access;

import io.casetrail.testing.ServiceEndpointsContract;
import io.quarkus.test.junit.QuarkusTest;

/** support-access-service answers the endpoints every Casetrail service has. */
@QuarkusTest
class ServiceEndpointsTest extends ServiceEndpointsContract {
}
