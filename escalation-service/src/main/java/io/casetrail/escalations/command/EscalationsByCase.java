package io.casetrail.escalations.command;

import java.util.List;

/**
 * The escalations raised on each case, as the command side keeps them: written by the raise in its own transaction,
 * so a case's closure finds every escalation raised before it, however far behind the projections are.
 */
public interface EscalationsByCase {

    void add(String caseNumber, String escalationId);

    /** The case's escalations, whatever their status. */
    List<String> of(String caseNumber);
}
