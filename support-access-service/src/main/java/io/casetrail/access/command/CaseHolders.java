package io.casetrail.access.command;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.axonframework.commandhandling.gateway.CommandGateway;

import io.casetrail.access.command.AccessCommands.EndCaseSessions;
import io.casetrail.events.access.SessionEndReason;
import io.casetrail.platform.cases.KnownCases;
import io.casetrail.platform.store.Jdbc;

/**
 * Ends the impersonation sessions of an engineer who no longer holds their case (DOMAIN.md: support looks into an
 * org only while it holds an open case there): all of a case that closed, those of the former assignee of a case
 * that was reassigned (a lead or manager of its team still works it). It acts in the transaction that records the change in {@code known_case} (the
 * {@code known-cases} consumer's), so the sessions end with it; a session start holds the case's row
 * ({@link io.casetrail.platform.cases.CaseLookup#findLocked}), so it either saw the change or is among the sessions
 * ended here.
 */
@Singleton
public class CaseHolders {

    private final Jdbc jdbc;
    private final CommandGateway commands;

    public CaseHolders(Jdbc jdbc, CommandGateway commands) {
        this.jdbc = jdbc;
        this.commands = commands;
    }

    void on(@Observes KnownCases.Closed closed) {
        endSessions(closed.orgId(), closed.caseNumber(), null, closed.sequence(), SessionEndReason.CASE_CLOSED);
    }

    void on(@Observes KnownCases.Reassigned reassigned) {
        endSessions(reassigned.orgId(), reassigned.caseNumber(), reassigned.previousAssignee(),
                reassigned.sequence(), SessionEndReason.CASE_REASSIGNED);
    }

    private void endSessions(String orgId, String caseNumber, String engineer, long sequence,
                             SessionEndReason reason) {
        // an org's support access exists once it was first granted; a command to one that does not would fail, and
        // with it the transaction recording the case's change
        boolean granted = jdbc.queryOne("SELECT 1 FROM domainevententry WHERE aggregateidentifier = ?"
                + " AND sequencenumber = 0 AND type = 'OrgSupportAccess'", row -> 1, orgId).isPresent();
        if (granted) {
            commands.sendAndWait(new EndCaseSessions(orgId, caseNumber, engineer, sequence, reason));
        }
    }
}
