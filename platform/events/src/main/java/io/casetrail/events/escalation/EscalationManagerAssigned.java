package io.casetrail.events.escalation;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * An escalation manager owns the escalation: while it is active the manager, not the engineer working the case,
 * is the customer's intermediary. {@code caseAssignment} numbers the manager assignments of all the case's
 * escalations, 1, 2, ..., in the order escalation-service committed them: of a case's active escalations with a
 * manager, the highest is the intermediary (event times and arrival order do not say it: two escalations are two
 * aggregates, on two partitions). Null on events recorded before the field existed.
 */
@EventType("io.casetrail.escalation.manager-assigned.v1")
public record EscalationManagerAssigned(String escalationId, String orgId, String caseNumber, String managerId,
                                        String managerName, Actor actor, Long caseAssignment) implements DomainEvent {

    /** Assigned with no place among the case's assignments (as recorded before the field existed). */
    public EscalationManagerAssigned(String escalationId, String orgId, String caseNumber, String managerId,
                                     String managerName, Actor actor) {
        this(escalationId, orgId, caseNumber, managerId, managerName, actor, null);
    }
}
