package io.casetrail.cases.api;

import static io.restassured.RestAssured.given;

import io.casetrail.platform.security.Roles;
import io.casetrail.testing.TokenMinter;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Signed tokens for the principals the API tests act as, and request builders that carry them. */
final class Principals {

    static final TokenMinter MINT = TokenMinter.forTests();

    static final String ACME = "org-acme";
    static final String GLOBEX = "org-globex";

    static final String ACME_ADMIN = MINT.token("admin-ada").role(Roles.ORG_ADMIN).org(ACME).name("Ada Admin").sign();
    static final String GLOBEX_ADMIN = MINT.token("admin-gus").role(Roles.ORG_ADMIN).org(GLOBEX).sign();
    static final String TSE_TOM = MINT.token("tse-tom").role(Roles.SUPPORT_ENGINEER).team("sso").name("Tom").sign();
    static final String TSE_TIA = MINT.token("tse-tia").role(Roles.SUPPORT_ENGINEER).team("sso").sign();
    static final String LEAD_LU = MINT.token("lead-lu").role(Roles.TEAM_LEAD).team("sso").team("lifecycle").sign();
    static final String AUDITOR = MINT.token("aud-al").role(Roles.AUDITOR).sign();
    static final String ENGINEER = MINT.token("eng-eve").role(Roles.ENGINEER).sign();

    private Principals() {
    }

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    /** Opens an SSO case for Acme as its admin and returns its number. */
    static String openAcmeCase(String priority) {
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
    static String openAssignedCase(String priority) {
        String caseNumber = openAcmeCase(priority);
        as(LEAD_LU).body("{\"assignee\":\"tse-tom\"}").when().post("/cases/" + caseNumber + "/assignment")
                .then().statusCode(200);
        return caseNumber;
    }
}
