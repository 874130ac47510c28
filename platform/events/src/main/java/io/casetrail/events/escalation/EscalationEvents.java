package io.casetrail.events.escalation;

import java.util.List;

import io.casetrail.events.DomainEvent;

/** The events of the escalation context, published on {@code casetrail.escalation.v1}. */
public final class EscalationEvents {

    public static final List<Class<? extends DomainEvent>> ALL = List.of(EscalationRaised.class,
            EscalationStepApproved.class, EscalationApproved.class, EscalationRejected.class,
            EscalationAccepted.class, EngineeringInformationRequested.class, EngineeringInformationProvided.class,
            EngineeringUpdatePosted.class, EscalationResolved.class, EscalationClosed.class,
            EscalationWithdrawn.class, EscalationManagerAssigned.class);

    private EscalationEvents() {
    }
}
