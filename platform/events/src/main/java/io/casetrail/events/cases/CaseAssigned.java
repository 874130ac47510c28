package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * The case was assigned to an engineer (also: reassigned, or taken from the team queue).
 * A {@code NEW} case becomes {@code OPEN}; otherwise the status stays.
 *
 * @param previousAssignee who had it before, {@code null} on first assignment
 * @param status           the status after the assignment
 */
@EventType("io.casetrail.case.assigned.v1")
public record CaseAssigned(String caseNumber, String orgId, String assignee, String previousAssignee,
                           CaseStatus status, Actor actor) implements DomainEvent {
}
