package io.casetrail.orgadmin.command;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import io.casetrail.events.orgadmin.ActionKind;

/**
 * Which consent, if any, allows an action: one given for this case, for this kind of action, covering the target
 * (when it names users or flags), not withdrawn, not yet expired, and given by an admin still associated with the
 * case (its opener or a contact: an admin removed from the case no longer speaks for it). Otherwise the reason for
 * the refusal.
 */
final class ConsentPolicy {

    /**
     * A consent as the policy sees it, and where among the case's events it was given ({@code caseSequence}: a
     * closure ends only the consents given before it).
     */
    record Consent(String consentId, String givenBy, List<ActionKind> kinds, List<String> users, List<String> flags,
                   Instant expiresAt, boolean withdrawn, Long caseSequence) {

        Consent asWithdrawn() {
            return new Consent(consentId, givenBy, kinds, users, flags, expiresAt, true, caseSequence);
        }
    }

    /** The consent that allows the action, or why none does. */
    record Decision(Optional<String> consentId, String reason) {
    }

    private ConsentPolicy() {
    }

    /**
     * @param expired the consents recorded as expired: ended, whatever this instance's clock says of their expiry
     *                (a deadline run on an instance whose clock is ahead, or a closure of the case)
     */
    static Decision decide(Collection<Consent> consents, Set<String> expired, String caseNumber, ActionKind kind,
                           String target, Instant now, Predicate<String> associated) {
        String why = "no consent was given on case " + caseNumber;
        // the reason names a consent that would have covered the action, if one would have: an unrelated consent
        // that ended says nothing about this refusal
        boolean covering = false;
        for (Consent consent : consents) {
            List<String> targets = kind == ActionKind.FEATURE_FLAG ? consent.flags() : consent.users();
            if (!consent.kinds().contains(kind)) {
                why = covering ? why : "no live consent on case " + caseNumber + " covers " + kind;
                continue;
            }
            if (!targets.isEmpty() && !targets.contains(target)) {
                why = covering ? why : "no live consent on case " + caseNumber + " covers " + kind + " for " + target;
                continue;
            }
            covering = true;
            if (consent.withdrawn()) {
                why = "consent " + consent.consentId() + " was withdrawn";
                continue;
            }
            if (expired.contains(consent.consentId()) || !now.isBefore(consent.expiresAt())) {
                why = "consent " + consent.consentId() + " expired" + (now.isBefore(consent.expiresAt()) ? ""
                        : " at " + consent.expiresAt());
                continue;
            }
            // a consent restored from a snapshot taken before its giver was kept names none: it counts, as it did
            if (consent.givenBy() != null && !associated.test(consent.givenBy())) {
                why = "consent " + consent.consentId() + " was given by " + consent.givenBy() + ", no longer the"
                        + " case's opener or one of its contacts";
                continue;
            }
            return new Decision(Optional.of(consent.consentId()), null);
        }
        return new Decision(Optional.empty(), why);
    }
}
