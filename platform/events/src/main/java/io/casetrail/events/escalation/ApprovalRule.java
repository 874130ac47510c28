package io.casetrail.events.escalation;

/** How many approvals a step of an approval chain needs. */
public enum ApprovalRule {
    /** Any one approver holding one of the step's roles. */
    ANY,
    /** Every one of the step's named approvers. */
    ALL,
    /** A number of distinct approvers holding one of the step's roles. */
    N_OF
}
