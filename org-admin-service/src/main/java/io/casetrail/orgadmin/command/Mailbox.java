package io.casetrail.orgadmin.command;

import java.util.List;

/**
 * E-mail to an org's users. Messages are handed over when the command's transaction is about to commit: sent only
 * when everything else succeeded, and a failure to send refuses the action (nothing is recorded or changed).
 */
public interface Mailbox {

    /** A plain-text message. */
    record Message(List<String> to, String subject, String text) {
    }

    /**
     * Hands the message over as the command's unit of work prepares to commit. Call it after applying the events
     * the message goes with: the unit of work's hooks run in the order they were registered, so the events are
     * appended first, and a command whose events cannot be appended (another instance appended to the aggregate
     * first) sends nothing.
     */
    void sendOnCommit(Message message);
}
