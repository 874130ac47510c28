package io.casetrail.platform.security;

import java.util.List;

/** The roles of DOMAIN.md, as they appear in the JWT {@code groups} claim. */
public final class Roles {

    public static final String ORG_ADMIN = "org-admin";
    public static final String ORG_SUPER_ADMIN = "org-super-admin";
    public static final String SUPPORT_ENGINEER = "support-engineer";
    public static final String TEAM_LEAD = "team-lead";
    public static final String SUPPORT_MANAGER = "support-manager";
    public static final String ESCALATION_MANAGER = "escalation-manager";
    public static final String ENGINEER = "engineer";
    /**
     * Engineering's managers, who approve the last step of data-fix and hotfix escalations (DOMAIN.md names them in
     * the chains, not in its role table); they read the Engineering board like engineers.
     */
    public static final String ENGINEERING_MANAGER = "engineering-manager";
    public static final String AUDITOR = "auditor";
    /**
     * Vendor operations staff who load an org's identity-platform data into Casetrail (the directory import). Not a
     * support role: it never acts on cases.
     */
    public static final String PLATFORM_OPERATOR = "platform-operator";

    /**
     * The role of a read-only impersonation session token (support-access-service's session tokens); never part of
     * a user token, and only the org admin views take it.
     */
    public static final String IMPERSONATION = "impersonation";

    /** Customer-side roles: bound to one org by the {@code org_id} claim. */
    public static final List<String> CUSTOMER = List.of(ORG_SUPER_ADMIN, ORG_ADMIN);

    /** Whether the roles (or a token's groups; null: none) hold a customer-side one. */
    public static boolean anyCustomer(java.util.Collection<String> roles) {
        return roles != null && roles.stream().anyMatch(CUSTOMER::contains);
    }

    /** Every role, most specific first (the first a principal holds is the role it acts in). */
    public static final List<String> ALL = List.of(ORG_SUPER_ADMIN, ORG_ADMIN, SUPPORT_MANAGER, TEAM_LEAD,
            ESCALATION_MANAGER, SUPPORT_ENGINEER, ENGINEERING_MANAGER, ENGINEER, AUDITOR, PLATFORM_OPERATOR);

    private Roles() {
    }
}
