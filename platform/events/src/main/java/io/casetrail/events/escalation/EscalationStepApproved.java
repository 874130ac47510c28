package io.casetrail.events.escalation;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * An approver approved the current step of an escalation's chain.
 *
 * @param step         the step's index in the chain (0 first)
 * @param stepComplete whether the step now has every approval it needs
 */
@EventType("io.casetrail.escalation.step-approved.v1")
public record EscalationStepApproved(String escalationId, String orgId, String caseNumber, int step, String stepName,
                                     boolean stepComplete, Actor actor) implements DomainEvent {
}
