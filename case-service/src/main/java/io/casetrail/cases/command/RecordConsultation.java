package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.events.cases.ConsultationParty;
import io.casetrail.platform.security.Caller;

/** Record a consultation with a lead, manager, customer success or the account team (internal). */
public record RecordConsultation(@TargetAggregateIdentifier String caseNumber, String consultationId,
                                 ConsultationParty party, String consultant, String notes, Caller caller) {
}
