package io.casetrail.access.command;

import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.axonframework.eventhandling.EventMessage;

import io.casetrail.events.access.ApiTokenCreated;
import io.casetrail.events.access.ApiTokenRevoked;
import io.casetrail.platform.axon.AxonRuntime;
import io.casetrail.platform.security.ApiTokenRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Records the org API tokens this service creates and revokes in its own registry in the transaction that stores
 * the event, so that here a token works the moment its creation is answered and is refused the moment its
 * revocation is: a revoked token must not go on granting support access while the event travels (or while the
 * broker is down). The event store calls its subscribers as it appends, inside the command's transaction; a failure
 * here fails the command. The other services learn of both from {@code casetrail.access.v1}, as before.
 */
@Singleton
public class ApiTokenRegistration {

    private final AxonRuntime axon;
    private final ApiTokenRegistry registry;

    public ApiTokenRegistration(AxonRuntime axon, ApiTokenRegistry registry) {
        this.axon = axon;
        this.registry = registry;
    }

    void onStart(@Observes @Priority(200) StartupEvent event) {
        axon.configuration().eventStore().subscribe(this::appended);
    }

    private void appended(List<? extends EventMessage<?>> events) {
        for (EventMessage<?> event : events) {
            if (event.getPayload() instanceof ApiTokenCreated created) {
                registry.created(created, event.getTimestamp());
            } else if (event.getPayload() instanceof ApiTokenRevoked revoked) {
                registry.revoked(revoked, event.getTimestamp());
            }
        }
    }
}
