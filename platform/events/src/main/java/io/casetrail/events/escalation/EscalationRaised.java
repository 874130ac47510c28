package io.casetrail.events.escalation;

import java.util.List;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * Support raised an escalation on a case to the internal board, with what it collected, and the approval chain
 * of its request type as configured at that moment.
 *
 * @param team             the case's support team (whose leads and managers approve its support steps)
 * @param requestType      e.g. {@code question}, {@code defect}, {@code data-fix}, {@code hotfix}
 * @param requestIds       identity-platform request ids that show the problem
 * @param logReferences    System Log entry uuids or internal log references
 * @param logExcerpts      the lines of the logs that show the problem, as support copied them (empty in escalations
 *                         raised before they were taken along)
 * @param timeline         the case's timeline when raised, oldest first (at most the last 200 entries)
 * @param chain            the approval steps, in order
 */
@EventType("io.casetrail.escalation.raised.v1")
public record EscalationRaised(String escalationId, String orgId, String caseNumber, String team, String requestType,
                               String summary, String customerImpact, List<String> requestIds,
                               List<String> logReferences, List<String> logExcerpts, List<TimelineExcerpt> timeline,
                               List<ApprovalStep> chain, Actor actor) implements DomainEvent {

    public EscalationRaised {
        requestIds = requestIds == null ? List.of() : List.copyOf(requestIds);
        logReferences = logReferences == null ? List.of() : List.copyOf(logReferences);
        logExcerpts = logExcerpts == null ? List.of() : List.copyOf(logExcerpts);
        timeline = timeline == null ? List.of() : List.copyOf(timeline);
        chain = chain == null ? List.of() : List.copyOf(chain);
    }
}
