package io.casetrail.orgadmin.command;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import jakarta.inject.Singleton;

import io.casetrail.orgadmin.directory.DirectoryStore;
import io.casetrail.orgadmin.directory.DirectoryViews.UserView;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.security.ApiTokens;

/** The consented actions, applied to Casetrail's copy of the org's data. */
@Singleton
public class DirectoryIdentityPlatform implements IdentityPlatform {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final DirectoryStore directory;

    public DirectoryIdentityPlatform(DirectoryStore directory) {
        this.directory = directory;
    }

    @Override
    public UserRef user(String orgId, String userIdOrLogin) {
        // read under the org's lock, which an import holds while it replaces the users: the addresses an action
        // mails to are those the import left, not those it was replacing
        directory.lockOrg(orgId);
        UserView user = directory.user(orgId, userIdOrLogin)
                .orElseThrow(() -> new NotFound("org " + orgId + " has no user " + userIdOrLogin));
        return new UserRef(user.id(), user.profile().login(), user.profile().email(), user.profile().secondEmail());
    }

    @Override
    public boolean hasFeature(String orgId, String flagId) {
        return directory.feature(orgId, flagId).isPresent();
    }

    @Override
    public String resetPassword(String orgId, UserRef user) {
        byte[] token = new byte[24];
        RANDOM.nextBytes(token);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        if (!directory.markRecovery(orgId, user.id(), ApiTokens.hash(secret))) {
            throw notForItsStatus(orgId, user, "reset");
        }
        String orgUrl = directory.org(orgId).map(DirectoryStore.OrgInfo::url).orElse("https://" + orgId);
        return orgUrl + "/reset_password/" + secret;
    }

    @Override
    public String setTemporaryPassword(String orgId, UserRef user) {
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            password.append(PASSWORD_ALPHABET.charAt(RANDOM.nextInt(PASSWORD_ALPHABET.length())));
        }
        if (!directory.expirePassword(orgId, user.id(), PasswordHashes.hash(password.toString()))) {
            throw notForItsStatus(orgId, user, "replaced by a temporary one");
        }
        return password.toString();
    }

    private RuleViolation notForItsStatus(String orgId, UserRef user, String what) {
        String status = directory.user(orgId, user.id()).map(UserView::status).orElse("gone");
        return new RuleViolation("user-status", "user " + user.id() + " is " + status + ": only the password of a user"
                + " in status " + String.join(", ", DirectoryStore.PASSWORD_STATUSES) + " is " + what);
    }

    @Override
    public List<String> resetFactors(String orgId, UserRef user) {
        return directory.removeFactors(orgId, user.id());
    }

    @Override
    public FeatureChange setFeature(String orgId, String flagId, boolean enabled, boolean force) {
        directory.lockOrg(orgId);
        String[] flag = directory.feature(orgId, flagId)
                .orElseThrow(() -> new NotFound("org " + orgId + " has no feature flag " + flagId));
        if ("ENABLED".equals(flag[2]) == enabled) {
            return new FeatureChange(flag[1], false, false); // as asked already: a retry, or another's change
        }
        if (enabled) {
            List<String> dependencies = flag[3] == null || flag[3].isBlank() ? List.of()
                    : List.of(flag[3].split(","));
            List<String> missing = new ArrayList<>(dependencies);
            missing.removeAll(directory.enabledAmong(orgId, dependencies));
            if (!missing.isEmpty() && !force) {
                throw new RuleViolation("feature-dependencies", "feature " + flagId + " depends on " + missing
                        + ", which are disabled; enable them first, or force the change");
            }
            directory.setFeatureStatus(orgId, flagId, true);
            return new FeatureChange(flag[1], !missing.isEmpty(), true);
        }
        List<String> enabledDependents = directory.enabledAmong(orgId, directory.dependents(orgId, flagId));
        if (!enabledDependents.isEmpty() && !force) {
            throw new RuleViolation("feature-dependents", "features " + enabledDependents + " depend on "
                    + flagId + " and are enabled; disable them first, or force the change");
        }
        directory.setFeatureStatus(orgId, flagId, false);
        return new FeatureChange(flag[1], !enabledDependents.isEmpty(), true);
    }
}
