package io.casetrail.orgadmin.command;

import java.util.List;

/**
 * What the consented actions do to the org's identity platform data. Runs in the command's transaction: the change,
 * the event that records it and the e-mails it sends stand or fall together.
 */
public interface IdentityPlatform {

    /** A user the action is for. */
    record UserRef(String id, String login, String email, String secondEmail) {
    }

    /**
     * The user as the org has it once no import of it is under way (the org's lock, held to the action's end);
     * throws {@link io.casetrail.platform.errors.NotFound} when the org has no such user.
     */
    UserRef user(String orgId, String userIdOrLogin);

    /** Whether the org has the feature flag. */
    boolean hasFeature(String orgId, String flagId);

    /** Puts the user in recovery; answers the one-time reset link (only its hash is kept). */
    String resetPassword(String orgId, UserRef user);

    /** Expires the password; answers a generated temporary password, of which only a hash is kept. */
    String setTemporaryPassword(String orgId, UserRef user);

    /** Removes every enrolled factor; answers their types. */
    List<String> resetFactors(String orgId, UserRef user);

    /**
     * Enables or disables a feature flag; refuses (409) a change its dependencies or dependents do not allow unless
     * forced. A flag already as asked is left as it is ({@link FeatureChange#changed()} false), whatever its
     * dependencies or dependents.
     */
    FeatureChange setFeature(String orgId, String flagId, boolean enabled, boolean force);

    /**
     * @param name   the flag's name
     * @param forced whether the change went past dependencies (to enable) or dependents (to disable) that did not
     *               allow it: {@code force} asked for and needed
     * @param changed whether the flag's status changed (false: it already was as asked)
     */
    record FeatureChange(String name, boolean forced, boolean changed) {
    }
}
