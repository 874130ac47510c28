package io.casetrail.events.access;

import java.util.List;

import io.casetrail.events.DomainEvent;

/** The events of the support access context, published on {@code casetrail.access.v1}. */
public final class AccessEvents {

    public static final List<Class<? extends DomainEvent>> ALL = List.of(SupportAccessGranted.class,
            SupportAccessExtended.class, SupportAccessRevoked.class, SupportAccessExpired.class,
            ImpersonationStarted.class, ImpersonationExtended.class, ImpersonationEnded.class, ApiTokenCreated.class,
            ApiTokenRevoked.class, SessionWriteRefused.class);

    private AccessEvents() {
    }
}
