package io.casetrail.cases.command;

import java.util.Optional;

import io.casetrail.events.Actor;
import io.casetrail.platform.cases.Intermediaries;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * Who may act on a case. Customers act on their own org's cases; an engineer works the cases assigned to it;
 * team leads and support managers work any case of their teams. While an escalation manager is the customer's
 * intermediary, only that manager writes to the customer. Everyone else is refused.
 */
final class CaseAccessPolicy {

    private final String orgId;
    private final String team;
    private final String assignee;

    CaseAccessPolicy(String orgId, String team, String assignee) {
        this.orgId = orgId;
        this.team = team;
        this.assignee = assignee;
    }

    boolean isCustomerOfCase(Caller caller) {
        return caller.isCustomerOf(orgId);
    }

    /** Leads and managers of the case's team. */
    boolean leadsCase(Caller caller) {
        return caller.hasAny(Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER) && caller.inTeam(team);
    }

    /** The assigned engineer, or a lead or manager of the case's team. */
    boolean worksCase(Caller caller) {
        return leadsCase(caller)
                || caller.has(Roles.SUPPORT_ENGINEER) && assignee != null && assignee.equals(caller.id());
    }

    /** The customer, as the actor of what it does on the case. */
    Actor requireCustomer(Caller caller, String what) {
        if (!isCustomerOfCase(caller)) {
            throw new AccessDenied("only an admin of the case's org may " + what);
        }
        return caller.actor();
    }

    /**
     * One who works the case, as the actor of what it does there: in the role that lets it act (events.md), the
     * case's engineer, else a lead or manager of its team; not whichever of its roles comes first.
     */
    Actor requireWorker(Caller caller, String what) {
        if (!worksCase(caller)) {
            throw new AccessDenied(!caller.isCustomer()
                    ? "only the assigned engineer or a lead or manager of team " + team + " may " + what
                    : isCustomerOfCase(caller) ? "customers may not " + what : "this case belongs to another org");
        }
        return caller.has(Roles.SUPPORT_ENGINEER) && caller.id().equals(assignee)
                ? caller.actingAs(Roles.SUPPORT_ENGINEER) : caller.actingAs(caller.teamRole(team).orElseThrow());
    }

    /**
     * Writes to the customer (replies, requests for information, shared files, remote-session offers): the case's
     * workers; but while an escalation manager is assigned to an active escalation of the case, that manager and
     * nobody else (a worker is told so, 409; anyone else is refused, 403).
     */
    Actor requireCorrespondent(Caller caller, Optional<String> escalationManager, String what) {
        return Intermediaries.requireCorrespondent(caller, escalationManager, () -> requireWorker(caller, what),
                what + " (an internal note reaches them)");
    }

    /** The case's workers, or the escalation manager who is the customer's intermediary on it (internal notes). */
    Actor requireWorkerOrIntermediary(Caller caller, Optional<String> escalationManager, String what) {
        return Intermediaries.isIntermediary(caller, escalationManager) ? caller.actingAs(Roles.ESCALATION_MANAGER)
                : requireWorker(caller, what);
    }

    /** A lead or manager of the case's team, as the actor of what it does there, in that role. */
    Actor requireLead(Caller caller, String what) {
        if (!leadsCase(caller)) {
            throw new AccessDenied("only a team lead or support manager of team " + team + " may " + what);
        }
        return caller.actingAs(caller.teamRole(team).orElseThrow());
    }
}
