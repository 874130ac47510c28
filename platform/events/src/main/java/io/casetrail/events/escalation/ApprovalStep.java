package io.casetrail.events.escalation;

import java.util.List;

/**
 * One step of an escalation's approval chain, as it was configured when the escalation was raised.
 *
 * @param name      e.g. {@code team-lead}, for humans
 * @param roles     the roles that may approve the step
 * @param rule      how many approvals the step needs
 * @param approvers the named approvers of an {@link ApprovalRule#ALL} step (empty otherwise)
 * @param required  approvals needed: 1 for {@code ANY}, the named approvers for {@code ALL}, N for {@code N_OF}
 */
public record ApprovalStep(String name, List<String> roles, ApprovalRule rule, List<String> approvers,
                           int required) {

    public ApprovalStep {
        roles = roles == null ? List.of() : List.copyOf(roles);
        approvers = approvers == null ? List.of() : List.copyOf(approvers);
    }
}
