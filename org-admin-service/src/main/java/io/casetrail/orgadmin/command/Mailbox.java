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

    void sendOnCommit(Message message);
}
