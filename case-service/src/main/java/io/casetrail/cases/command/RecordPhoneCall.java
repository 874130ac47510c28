package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/**
 * Support records a phone call with an admin of the case (the customer's contact preference may be the phone); when
 * the admin answered the request for information on it, the case goes back to support.
 */
public record RecordPhoneCall(@TargetAggregateIdentifier String caseNumber, String callId, String contactId,
                              String summary, boolean customerAnswered, Caller caller) {
}
