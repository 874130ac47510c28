package io.casetrail.escalations.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.casetrail.events.escalation.ApprovalRule;
import io.casetrail.events.escalation.ApprovalStep;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * The request types of escalations and their approval chains, from configuration
 * ({@code casetrail.escalations.chain.<request-type>}). A chain is its steps in order, separated by {@code >}; a
 * step is one of
 * <ul>
 * <li>{@code any(role[, role...])}: one approver holding any of the roles;</li>
 * <li>{@code N(role[, role...])}: N distinct approvers holding any of the roles;</li>
 * <li>{@code all(role[, role...]: id[, id...])}: every one of the named approvers, each holding one of the
 * roles.</li>
 * </ul>
 * Support roles ({@code team-lead}, {@code support-manager}) approve only for cases of their own teams.
 */
public final class ApprovalChains {

    private static final Pattern STEP = Pattern.compile("(any|all|[1-9][0-9]*)\\(([^)]*)\\)");
    private static final Set<String> APPROVER_ROLES = Set.of(Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER,
            Roles.ENGINEERING_MANAGER, Roles.ESCALATION_MANAGER, Roles.ENGINEER);
    private static final Set<String> TEAM_BOUND = Set.of(Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER);

    private final Map<String, List<ApprovalStep>> chains;

    private ApprovalChains(Map<String, List<ApprovalStep>> chains) {
        this.chains = chains;
    }

    /** Parses every chain; a bad one stops the service at start-up with the reason. */
    public static ApprovalChains of(Map<String, String> specs) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("casetrail.escalations.chain: no request type is configured");
        }
        Map<String, List<ApprovalStep>> chains = new LinkedHashMap<>();
        specs.forEach((type, spec) -> chains.put(type, parse(type, spec)));
        return new ApprovalChains(chains);
    }

    static List<ApprovalStep> parse(String type, String spec) {
        List<ApprovalStep> steps = new ArrayList<>();
        Set<String> named = new HashSet<>();
        for (String part : spec.split(">")) {
            Matcher m = STEP.matcher(part.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("casetrail.escalations.chain." + type + ": '" + part.trim()
                        + "' is not any(roles), all(roles: ids) or N(roles)");
            }
            String kind = m.group(1);
            String[] rolesAndIds = m.group(2).split(":", 2);
            List<String> roles = list(rolesAndIds[0]);
            if (roles.isEmpty() || !APPROVER_ROLES.containsAll(roles)) {
                throw new IllegalArgumentException("casetrail.escalations.chain." + type + ": step '" + part.trim()
                        + "' must name approver roles among " + APPROVER_ROLES);
            }
            if (kind.equals("all")) {
                List<String> ids = rolesAndIds.length > 1 ? list(rolesAndIds[1]) : List.of();
                if (ids.isEmpty()) {
                    throw new IllegalArgumentException("casetrail.escalations.chain." + type + ": step '"
                            + part.trim() + "' must name its approvers after ':'");
                }
                if (Set.copyOf(ids).size() != ids.size() || ids.stream().anyMatch(named::contains)) {
                    // each must approve, and approves one step of an escalation: one named twice would be asked
                    // for an approval it cannot give
                    throw new IllegalArgumentException("casetrail.escalations.chain." + type + ": step '"
                            + part.trim() + "' names an approver twice (in it, or in an earlier step)");
                }
                named.addAll(ids);
                steps.add(new ApprovalStep("all of " + String.join(", ", ids), roles, ApprovalRule.ALL, ids,
                        ids.size()));
            } else if (rolesAndIds.length > 1) {
                // any(...) and N(...) take anyone holding the roles: names there would look like a restriction
                // and restrict nothing
                throw new IllegalArgumentException("casetrail.escalations.chain." + type + ": step '" + part.trim()
                        + "': only all(...) names approvers");
            } else if (kind.equals("any")) {
                steps.add(new ApprovalStep(String.join(" or ", roles), roles, ApprovalRule.ANY, List.of(), 1));
            } else {
                int n = Integer.parseInt(kind);
                steps.add(new ApprovalStep(n + " of " + String.join(" or ", roles), roles, ApprovalRule.N_OF,
                        List.of(), n));
            }
        }
        return List.copyOf(steps);
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The chain of a request type. */
    public Optional<List<ApprovalStep>> chain(String requestType) {
        return Optional.ofNullable(chains.get(requestType));
    }

    public Set<String> requestTypes() {
        return chains.keySet();
    }

    /**
     * The role in which the caller may approve (or reject) the step, or why it may not: it raised the escalation,
     * holds none of the step's roles, is a support role of another team, or is not a named approver.
     */
    public static Eligibility eligibility(ApprovalStep step, Caller caller, String team, String raisedBy) {
        if (caller.id().equals(raisedBy)) {
            return Eligibility.no("nobody approves their own escalation");
        }
        if (step.rule() == ApprovalRule.ALL && !step.approvers().contains(caller.id())) {
            return Eligibility.no("step '" + step.name() + "' is for its named approvers only");
        }
        // a named approver approves whatever the case's team: the chain names it, and a step only it completes
        // would otherwise wait for ever on a case of another team
        boolean named = step.rule() == ApprovalRule.ALL;
        for (String role : step.roles()) {
            if (caller.has(role) && (named || !TEAM_BOUND.contains(role) || caller.inTeam(team))) {
                return new Eligibility(role, null);
            }
        }
        return Eligibility.no("step '" + step.name() + "' needs a " + String.join(" or ", step.roles())
                + (step.roles().stream().anyMatch(TEAM_BOUND::contains) ? " of team " + team : ""));
    }

    /**
     * Whether step {@code step} of the chain awaits the caller's approval: it may approve it, and it is named in no
     * later step (which it would then be kept from). What the pending list shows it, and what lets it read the
     * escalation it is asked to approve.
     */
    public static boolean awaitsApprovalOf(List<ApprovalStep> chain, int step, Caller caller, String team,
                                           String raisedBy) {
        return step >= 0 && step < chain.size() && eligibility(chain.get(step), caller, team, raisedBy).allowed()
                && namingLater(chain, step, caller.id()).isEmpty();
    }

    /**
     * The first all-of step after step {@code step} of the chain (-1: any step) that names {@code id} among its
     * approvers, if one does. One person approves one step of an escalation, and nobody their own: such a one
     * leaves the earlier steps to others, and does not raise an escalation that needs its own approval.
     */
    public static Optional<ApprovalStep> namingLater(List<ApprovalStep> chain, int step, String id) {
        return chain.subList(step + 1, chain.size()).stream()
                .filter(later -> later.rule() == ApprovalRule.ALL && later.approvers().contains(id)).findFirst();
    }

    /** The role an approver acts in, or the reason it may not approve. */
    public record Eligibility(String role, String refusal) {

        static Eligibility no(String reason) {
            return new Eligibility(null, reason);
        }

        public boolean allowed() {
            return role != null;
        }
    }
}
