package io.casetrail.cases.command;

import java.util.List;

import io.casetrail.events.cases.ContactPreference;
import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;
import io.casetrail.platform.security.Caller;

/**
 * Open a support case: an org admin for its own org, or support on a customer's behalf (then {@code openedBy}
 * names the org admin the case is for).
 */
public record OpenCase(String caseNumber, String orgId, String orgUrl, String subject, String description,
                       ProductArea productArea, Priority priority, ContactPreference contactPreference,
                       String openedBy, List<String> contacts, Caller caller) {
}
