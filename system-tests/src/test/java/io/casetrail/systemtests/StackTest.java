package io.casetrail.systemtests;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;

import io.casetrail.platform.security.Roles;
import io.casetrail.testing.TokenMinter;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** What the system tests share: the running stack, tokens of the support staff, and a customer's case. */
abstract class StackTest {

    static final TokenMinter MINT = TokenMinter.forTests();
    static final String LEAD = MINT.token("lead-lu").role(Roles.TEAM_LEAD).team("sso").sign();
    static final String TSE = MINT.token("tse-tom").role(Roles.SUPPORT_ENGINEER).team("sso").name("Tom").sign();
    static final Duration WAIT = Duration.ofSeconds(60);

    static Stack stack;

    @BeforeAll
    static void startStack() throws Exception {
        // a request that hangs (a service stopped under it) fails its test instead of holding up the whole run
        RestAssured.config = RestAssured.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.connection.timeout", 10_000).setParam("http.socket.timeout", 120_000));
        stack = Stack.shared();
    }

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    static String url(String service, String path) {
        return stack.url(service) + path;
    }

    /** A case the customer opens (SSO, so the sso team's), assigned by the lead to Tom; its number. */
    static String caseAssignedToTom(String customer, String orgUrl, String subject) {
        String caseNumber = as(customer).body("""
                {"orgUrl":"%s","subject":"%s","description":"please help","productArea":"SSO","priority":"P2",
                 "contactPreference":"EMAIL"}""".formatted(orgUrl, subject))
                .post(url("case-service", "/cases")).then().statusCode(201).extract().path("caseNumber");
        as(LEAD).body("{\"assignee\":\"tse-tom\"}").post(url("case-service", "/cases/" + caseNumber + "/assignment"))
                .then().statusCode(200).body("status", equalTo("OPEN")).body("assignee", equalTo("tse-tom"));
        return caseNumber;
    }
}
