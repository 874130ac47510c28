package io.casetrail.cases.api;

import static io.restassured.RestAssured.given;

import io.casetrail.platform.security.Roles;
import io.casetrail.testing.TokenMinter;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Signed tokens for the principals the API tests act as, and request builders that carry them. */
public final class TestPrincipals {

    public static final TokenMinter MINT = TokenMinter.forTests();

    public static final String ACME = "org-acme";
    public static final String GLOBEX = "org-globex";

    public static final String ACME_ADMIN = MINT.token("admin-ada").role(Roles.ORG_ADMIN).org(ACME).name("Ada Admin")
            .sign();
    /** An admin of org-acme associated with none of the cases the tests open (admin-bo is their contact). */
    public static final String ACME_OTHER_ADMIN = MINT.token("admin-cy").role(Roles.ORG_ADMIN).org(ACME).name("Cy")
            .sign();
    public static final String ACME_CONTACT = MINT.token("admin-bo").role(Roles.ORG_ADMIN).org(ACME).name("Bo")
            .sign();
    public static final String GLOBEX_ADMIN = MINT.token("admin-gus").role(Roles.ORG_ADMIN).org(GLOBEX).sign();
    public static final String TSE_TOM = MINT.token("tse-tom").role(Roles.SUPPORT_ENGINEER).team("sso").name("Tom")
            .sign();
    public static final String TSE_TIA = MINT.token("tse-tia").role(Roles.SUPPORT_ENGINEER).team("sso").sign();
    public static final String LEAD_LU = MINT.token("lead-lu").role(Roles.TEAM_LEAD).team("sso").team("lifecycle")
            .sign();
    public static final String EM_EVE = MINT.token("em-eve").role(Roles.ESCALATION_MANAGER).name("Eve").sign();
    public static final String EM_ED = MINT.token("em-ed").role(Roles.ESCALATION_MANAGER).name("Ed").sign();
    public static final String AUDITOR = MINT.token("aud-al").role(Roles.AUDITOR).sign();
    public static final String ENGINEER = MINT.token("eng-eve").role(Roles.ENGINEER).sign();

    private TestPrincipals() {
    }

    public static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    /** Opens an SSO case for Acme as its admin and returns its number. */
    public static String openAcmeCase(String priority) {
        return as(ACME_ADMIN)
                .body("""
                        {"orgUrl":"https://acme.okta.com","subject":"SAML login fails","description":"400 from IdP",
                         "productArea":"SSO","priority":"%s","contactPreference":"EMAIL","contacts":["admin-bo"]}
                        """.formatted(priority))
                .when().post("/cases")
                .then().statusCode(201)
                .extract().path("caseNumber");
    }

    /** Opens an Acme SSO case and has the lead assign it to Tom. */
    public static String openAssignedCase(String priority) {
        String caseNumber = openAcmeCase(priority);
        as(LEAD_LU).body("{\"assignee\":\"tse-tom\"}").when().post("/cases/" + caseNumber + "/assignment")
                .then().statusCode(200);
        return caseNumber;
    }
}
