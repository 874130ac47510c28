package io.casetrail.orgadmin.command;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;

import io.casetrail.orgadmin.command.AdminCommands.EndConsentsOfClosedCase;
import io.casetrail.platform.cases.KnownCases;

/**
 * When a case closes, its consents still live expire (DOMAIN.md: consent is scoped to the case): a reopened case
 * needs the customer's consent anew. Only those given before the closure (by the case's event sequence): a rebuild
 * of the known cases delivers old closures again, and a consent given on the reopened case outlives them. It acts
 * in the transaction that records the closure in {@code known_case} (the {@code known-cases} consumer's), so what it
 * ends commits with the closure or the closure is delivered again. The
 * consents and the actions hold the case's row first ({@link io.casetrail.platform.cases.CaseLookup#findLocked}),
 * so a consent given as the case closes either saw it closed or is among those ended here, and an action either
 * ran before the closure or sees the case closed.
 */
@Singleton
public class ConsentClosures {

    private final EventStore events;
    private final CommandGateway commands;

    public ConsentClosures(EventStore events, CommandGateway commands) {
        this.events = events;
        this.commands = commands;
    }

    void on(@Observes KnownCases.Closed closed) {
        // a case support never acted on here has no consent, nor an aggregate to load
        if (events.lastSequenceNumberFor(closed.caseNumber()).isPresent()) {
            commands.sendAndWait(new EndConsentsOfClosedCase(closed.caseNumber(), closed.sequence()));
        }
    }
}
