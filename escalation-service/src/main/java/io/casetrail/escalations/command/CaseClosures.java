package io.casetrail.escalations.command;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.axonframework.commandhandling.gateway.CommandGateway;

import io.casetrail.escalations.command.EscalationCommands.EndForClosedCase;
import io.casetrail.platform.cases.KnownCases;

/**
 * When a case closes, withdraws its escalations that Engineering has not taken yet: nobody should approve, or pick
 * from the board, work for a case that is over; and closes those Engineering resolved, so that none keeps the
 * case escalated, or its manager the customer's intermediary after a reopen. Those an engineer is working stay
 * with Engineering until support closes or withdraws them. It acts in the transaction that records the closure in
 * {@code known_case} (the {@code known-cases} consumer's), so what it ends commits with it or the closure is
 * delivered again; a raise
 * holds the case's row ({@link io.casetrail.platform.cases.CaseLookup#findLocked}), so it either saw the case
 * closed or is among those found here. Only escalations raised on a status older than the closure are ended:
 * one raised after a reopen stays, however late the closure is recorded.
 */
@Singleton
public class CaseClosures {

    private final EscalationsByCase byCase;
    private final CommandGateway commands;

    public CaseClosures(EscalationsByCase byCase, CommandGateway commands) {
        this.byCase = byCase;
        this.commands = commands;
    }

    void on(@Observes KnownCases.Closed closed) {
        for (String escalationId : byCase.raisedBefore(closed.caseNumber(), closed.sequence())) {
            commands.sendAndWait(new EndForClosedCase(escalationId, closed.sequence()));
        }
    }
}
