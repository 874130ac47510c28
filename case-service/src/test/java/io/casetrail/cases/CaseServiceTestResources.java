package io.casetrail.cases;

import io.casetrail.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;

/**
 * Declares the module's test resources once: one real Kafka broker for the test JVM, shared by every
 * {@code @QuarkusTest} (a global resource, so the application starts once).
 */
@QuarkusTestResource(KafkaTestResource.class)
public final class CaseServiceTestResources {

    private CaseServiceTestResources() {
    }
}
