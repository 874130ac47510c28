package io.casetrail.events.cases;

import java.util.List;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * A support case was opened, by an admin of the org or by support on the customer's behalf. Status {@code NEW}.
 *
 * @param openedBy   the org admin who opened it (or on whose behalf support opened it)
 * @param contacts   further org admins associated with the case (the opener is not repeated here)
 * @param team       the support team whose queue the case lands in
 * @param followUpOf the closed case this one follows up, when opened by a reopen request past 21 days
 */
@EventType("io.casetrail.case.opened.v1")
public record CaseOpened(String caseNumber, String orgId, String orgUrl, String subject, String description,
                         ProductArea productArea, Priority priority, ContactPreference contactPreference,
                         String openedBy, List<String> contacts, String team, String followUpOf, Actor actor)
        implements DomainEvent {

    public CaseOpened {
        contacts = contacts == null ? List.of() : List.copyOf(contacts);
    }
}
