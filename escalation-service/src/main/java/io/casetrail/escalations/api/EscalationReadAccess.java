package io.casetrail.escalations.api;

import java.util.Set;

import jakarta.inject.Singleton;

import io.casetrail.escalations.command.ApprovalChains;
import io.casetrail.escalations.command.EscalationStatus;
import io.casetrail.escalations.query.EscalationQueries.Card;
import io.casetrail.escalations.query.EscalationQueries.Detail;
import io.casetrail.escalations.query.EscalationQueries.Teams;
import io.casetrail.platform.cases.KnownCases;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * Who reads which escalation: auditors, escalation managers and engineering managers every one; engineers those
 * that reached Engineering; team leads and support managers their teams'; an engineer in support those of the
 * cases it works and those it raised; and whoever an escalation's current step awaits, that one in full. Customers
 * none: escalations are internal.
 */
@Singleton
public class EscalationReadAccess {

    private final KnownCases knownCases;

    public EscalationReadAccess(KnownCases knownCases) {
        this.knownCases = knownCases;
    }

    public boolean mayRead(Caller caller, Card card) {
        Teams byRole = teamsRead(caller, card.reachedEngineering());
        if (byRole.every() || card.team() != null && byRole.named().contains(card.team())) {
            return true;
        }
        return caller.has(Roles.SUPPORT_ENGINEER) && (caller.id().equals(card.raisedBy())
                || knownCases.find(card.caseNumber()).map(known -> known.isWorkedBy(caller)).orElse(false));
    }

    /**
     * Whose escalations in a board column the caller reads by its roles alone (a support engineer reads those of
     * the cases it works besides): what the board asks its query for, so that it applies before the query's limit.
     * Every column but {@code AWAITING_APPROVAL} holds escalations that reached Engineering.
     */
    public Teams teamsRead(Caller caller, EscalationStatus column) {
        return teamsRead(caller, column != EscalationStatus.AWAITING_APPROVAL);
    }

    private static Teams teamsRead(Caller caller, boolean reachedEngineering) {
        if (caller.hasAny(Roles.AUDITOR, Roles.ESCALATION_MANAGER, Roles.ENGINEERING_MANAGER)
                || caller.has(Roles.ENGINEER) && reachedEngineering) {
            return Teams.EVERY;
        }
        return Teams.of(caller.hasAny(Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER) ? caller.teams() : Set.of());
    }

    /**
     * An escalation in full: as {@link #mayRead(Caller, Card)}, and besides by whoever its current step awaits (an
     * approver the chain names from another team, an engineer a step asks for): nobody approves what it may not read.
     */
    public void requireRead(Caller caller, Detail detail) {
        Card card = detail.escalation();
        if (!mayRead(caller, card) && !(card.status() == EscalationStatus.AWAITING_APPROVAL
                && ApprovalChains.awaitsApprovalOf(detail.chain(), detail.currentStep(), caller, card.team(),
                card.raisedBy()))) {
            throw new AccessDenied("escalation " + card.escalationId() + " is not yours to read");
        }
    }
}
