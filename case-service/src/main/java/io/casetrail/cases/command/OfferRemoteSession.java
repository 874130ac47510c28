package io.casetrail.cases.command;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/** Offer the customer a remote session. */
public record OfferRemoteSession(@TargetAggregateIdentifier String caseNumber, String offerId, String joinUrl,
                                 Instant proposedStart, String note, Caller caller) {
}
