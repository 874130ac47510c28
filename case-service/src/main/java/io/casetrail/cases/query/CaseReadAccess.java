package io.casetrail.cases.query;

import java.util.ArrayList;
import java.util.List;

import io.casetrail.events.cases.CaseStatus;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * Who may read which cases. Customers read their org's cases; an engineer reads the cases assigned to it and the
 * unassigned cases of its teams (to pick from); leads and managers read their teams' cases; an escalation manager
 * reads the cases it is the customer's intermediary on (an active escalation it manages); auditors read every case.
 * Engineering reads cases only through escalations.
 */
public final class CaseReadAccess {

    /** An SQL condition over {@code case_view} and its parameters. */
    public record Scope(String condition, List<Object> parameters) {
    }

    private CaseReadAccess() {
    }

    public static boolean maySee(Caller caller, CaseView view) {
        if (caller.isCustomer()) {
            return caller.isCustomerOf(view.orgId());
        }
        if (caller.has(Roles.AUDITOR)) {
            return true;
        }
        if (caller.has(Roles.ESCALATION_MANAGER) && managesEscalationOf(caller, view)) {
            return true;
        }
        if (caller.hasAny(Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER) && caller.inTeam(view.team())) {
            return true;
        }
        return caller.has(Roles.SUPPORT_ENGINEER) && (caller.id().equals(view.assignee())
                || view.status() == CaseStatus.NEW && caller.inTeam(view.team()));
    }

    public static void requireMaySee(Caller caller, CaseView view) {
        if (!maySee(caller, view)) {
            throw new AccessDenied(caller.isCustomer() ? "case " + view.caseNumber() + " belongs to another org"
                    : "case " + view.caseNumber() + " is neither assigned to you nor in your teams' queues");
        }
    }

    /** The cases a principal may list, as a condition for searches (the union of what each of its roles reads). */
    public static Scope scope(Caller caller) {
        if (caller.isCustomer()) {
            return new Scope("org_id = ?", List.of(caller.orgId()));
        }
        if (caller.has(Roles.AUDITOR)) {
            return new Scope("1 = 1", List.of());
        }
        List<String> conditions = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();
        if (caller.has(Roles.ESCALATION_MANAGER)) {
            conditions.add("case_number IN (" + CaseEscalations.MANAGED_BY + ")");
            parameters.add(caller.id());
        }
        if (caller.hasAny(Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER)) {
            conditions.add("team IN (" + inList(caller, parameters) + ")");
        }
        if (caller.has(Roles.SUPPORT_ENGINEER)) {
            // also for a lead who is an engineer too: its own cases of other teams are its to read (maySee)
            parameters.add(caller.id());
            conditions.add("assignee = ? OR (status = 'NEW' AND team IN (" + inList(caller, parameters) + "))");
        }
        if (conditions.isEmpty()) {
            throw new AccessDenied("role " + caller.primaryRole() + " does not read support cases");
        }
        return new Scope("((" + String.join(") OR (", conditions) + "))", parameters); // whole: filters AND it
    }

    /** The caller is the escalation manager the case's intermediary is (not an assignee of the same id). */
    private static boolean managesEscalationOf(Caller caller, CaseView view) {
        return view.escalated() && caller.id().equals(view.intermediary()) && !caller.id().equals(view.assignee());
    }

    private static String inList(Caller caller, List<Object> parameters) {
        if (caller.teams().isEmpty()) {
            return "NULL";
        }
        parameters.addAll(caller.teams());
        return String.join(", ", caller.teams().stream().map(t -> "?").toList());
    }
}
