package io.casetrail.events.cases;

/** Whom support consulted about a case (recorded, internal). */
public enum ConsultationParty {
    TEAM_LEAD, SUPPORT_MANAGER, CUSTOMER_SUCCESS, ACCOUNT_TEAM
}
