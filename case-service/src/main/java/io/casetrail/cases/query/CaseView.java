package io.casetrail.cases.query;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.cases.ContactPreference;
import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;
import io.casetrail.events.cases.SlaTarget;

/**
 * A case as the APIs show it. {@code contacts} and {@code description} only in the detail view; {@code sla} only
 * to support. {@code version}: the case's version this view shows, for a command's {@code If-Match} (the view may
 * be a moment behind the case: a command then answers 409 stale-version, and a read a moment later has caught up);
 * only to support, as the version moves with what customers do not see (internal notes, SLA breaches).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CaseView(String caseNumber, String orgId, String orgUrl, String subject, String description,
                       ProductArea productArea, Priority priority, CaseStatus status,
                       ContactPreference contactPreference, String team, String openedBy, List<String> contacts,
                       String assignee, Instant openedAt, Instant updatedAt, Instant closedAt, String followUpOf,
                       String followUpCase, boolean escalated, String intermediary, Sla sla, Long version) {

    /**
     * The running (or paused) SLA clock.
     *
     * @param dueAt               when the target is breached, if the clock runs
     * @param paused              the case waits for the customer; the clock stands
     * @param timeToBreachSeconds seconds left (negative once breached); frozen while paused
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Sla(SlaTarget target, Instant dueAt, boolean paused, long timeToBreachSeconds, boolean breached) {
    }

    CaseView withContacts(List<String> all) {
        return new CaseView(caseNumber, orgId, orgUrl, subject, description, productArea, priority, status,
                contactPreference, team, openedBy, all, assignee, openedAt, updatedAt, closedAt, followUpOf,
                followUpCase, escalated, intermediary, sla, version);
    }

    /** What a customer principal sees: no internal SLA bookkeeping, no team routing, no version. */
    public CaseView forCustomer() {
        return new CaseView(caseNumber, orgId, orgUrl, subject, description, productArea, priority, status,
                contactPreference, null, openedBy, contacts, assignee, openedAt, updatedAt, closedAt, followUpOf,
                followUpCase, escalated, intermediary, null, null);
    }
}
