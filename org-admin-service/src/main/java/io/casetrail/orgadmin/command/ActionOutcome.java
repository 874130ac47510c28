package io.casetrail.orgadmin.command;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.casetrail.events.orgadmin.ActionKind;

/**
 * What an administrative action did: {@code DONE} (with what it changed), or {@code REFUSED} for want of live,
 * matching consent (the refusal is recorded). Never holds a password or a reset link.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActionOutcome(String caseNumber, ActionKind kind, String target, Status status, String reason,
                            String consentId, Integer recipients, List<String> factorsRemoved, Boolean enabled) {

    public enum Status { DONE, REFUSED }

    static ActionOutcome refused(String caseNumber, ActionKind kind, String target, String reason) {
        return new ActionOutcome(caseNumber, kind, target, Status.REFUSED, reason, null, null, null, null);
    }
}
