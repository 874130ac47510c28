package io.casetrail.logs.systemlog.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.platform.errors.OktaApiException;

/** The System Log filter language against a fixed set of stored events. */
class LogFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Four events: two grants, an initiate with two targets, a failed end. */
    private static final List<JsonNode> EVENTS = List.of(
            event("e1", "user.session.impersonation.grant", "INFO", "admin-sam", "SUCCESS", 3,
                    List.of("g-1", "00100001"), "00100001", "Enable impersonation grant"),
            event("e2", "user.session.impersonation.grant", "INFO", "admin-oz", "SUCCESS", 7,
                    List.of("g-2", "00100002"), "00100002", "Enable impersonation grant"),
            event("e3", "user.session.impersonation.initiate", "WARN", "tse-tom", "SUCCESS", 5,
                    List.of("s-1", "00100001"), "00100001", "Initiate impersonation session"),
            event("e4", "user.session.impersonation.end", "ERROR", "tse-tom", "FAILURE", 9,
                    List.of("s-1", "00100001"), "00100001", "End impersonation session"));

    private static JsonNode event(String uuid, String type, String severity, String actor, String result, int step,
                                  List<String> targets, String caseNumber, String message) {
        StringBuilder targetJson = new StringBuilder();
        for (String target : targets) {
            targetJson.append(targetJson.isEmpty() ? "" : ",").append("{\"id\":\"").append(target)
                    .append("\",\"type\":\"").append(target.startsWith("00") ? "SupportCase" : "Other").append("\"}");
        }
        try {
            return JSON.readTree("""
                    {"uuid":"%s","eventType":"%s","severity":"%s","displayMessage":"%s",
                     "actor":{"id":"%s","type":"User","displayName":null},
                     "outcome":{"result":"%s","reason":null},"target":[%s],
                     "authenticationContext":{"authenticationStep":%d},
                     "debugContext":{"debugData":{"case_number":"%s","requestUri":"/api/v1/x"}}}
                    """.formatted(uuid, type, severity, message, actor, result, targetJson, step, caseNumber));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> select(String filter) {
        LogFilter parsed = LogFilterParser.parse(filter);
        return EVENTS.stream().filter(parsed::matches).map(e -> e.path("uuid").asText()).toList();
    }

    static Stream<Arguments> expressions() {
        return Stream.of(
                Arguments.of("eventType eq \"user.session.impersonation.grant\"", List.of("e1", "e2")),
                Arguments.of("actor.id ne \"tse-tom\"", List.of("e1", "e2")),
                Arguments.of("authenticationContext.authenticationStep gt 5", List.of("e2", "e4")),
                Arguments.of("authenticationContext.authenticationStep ge 5", List.of("e2", "e3", "e4")),
                Arguments.of("authenticationContext.authenticationStep lt 5", List.of("e1")),
                Arguments.of("authenticationContext.authenticationStep le 5", List.of("e1", "e3")),
                Arguments.of("severity gt \"INFO\"", List.of("e3")),
                Arguments.of("severity lt \"INFO\"", List.of("e4")),
                Arguments.of("eventType sw \"user.session.impersonation.g\"", List.of("e1", "e2")),
                Arguments.of("eventType co \"IMPERSONATION.IN\"", List.of("e3")),
                Arguments.of("eventType ew \"end\"", List.of("e4")),
                Arguments.of("outcome.reason pr", List.of()),
                Arguments.of("actor.id pr", List.of("e1", "e2", "e3", "e4")),
                Arguments.of("actor.displayName pr", List.of()),
                // pr on an object or array: whether it holds anything
                Arguments.of("target pr", List.of("e1", "e2", "e3", "e4")),
                Arguments.of("debugContext.debugData pr", List.of("e1", "e2", "e3", "e4")),
                Arguments.of("actor.detailEntry pr", List.of()),
                Arguments.of("client.geographicalContext pr", List.of()),
                Arguments.of("target.id eq \"00100001\"", List.of("e1", "e3", "e4")),
                Arguments.of("target.id eq \"s-1\" and target.id eq \"00100001\"", List.of("e3", "e4")),
                Arguments.of("target.type eq \"SupportCase\" and actor.id eq \"admin-oz\"", List.of("e2")),
                Arguments.of("debugContext.debugData.case_number eq \"00100002\"", List.of("e2")),
                // and binds tighter than or
                Arguments.of("actor.id eq \"admin-oz\" or actor.id eq \"tse-tom\" and outcome.result eq \"FAILURE\"",
                        List.of("e2", "e4")),
                Arguments.of("(actor.id eq \"admin-oz\" or actor.id eq \"tse-tom\") and outcome.result eq \"FAILURE\"",
                        List.of("e4")),
                Arguments.of("not eventType sw \"user.session.impersonation.gr\"", List.of("e3", "e4")),
                Arguments.of("not (severity eq \"INFO\" or severity eq \"WARN\")", List.of("e4")),
                Arguments.of("eventType EQ \"user.session.impersonation.end\" AND NOT outcome.result Eq \"SUCCESS\"",
                        List.of("e4")),
                Arguments.of("event_type eq \"user.session.impersonation.initiate\"", List.of("e3")),
                Arguments.of("((eventType eq \"user.session.impersonation.end\"))", List.of("e4")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expressions")
    void expressionSelectsExactlyTheMatchingEvents(String filter, List<String> expected) {
        assertThat(select(filter)).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> invalidExpressions() {
        return Stream.of(
                Arguments.of("eventType eqq \"x\"", "E0000053", "Unrecognized attribute operator 'eqq' at position 10"),
                Arguments.of("some_invalid_field eq \"x\"", "E0000053", "field is not valid: some_invalid_field"),
                Arguments.of("published gt \"2026-01-01T00:00:00Z\"", "E0000053", "published cannot be filtered"),
                Arguments.of("target.changeDetails.to eq \"x\"", "E0000053", "field is not valid"),
                Arguments.of("target eq \"x\"", "E0000053", "field is not valid: target"),
                Arguments.of("target.changeDetails pr", "E0000053", "field is not valid: target.changeDetails"),
                Arguments.of("debugContext.debugData.url co \"/api\"", "E0000031",
                        "Operator: co, Field: debugContext.debugData.url"),
                Arguments.of("debugContext.debugData.requestUri co \"/api\"", "E0000031", "Operator: co"),
                Arguments.of("eventType eq", "E0000053", "a value is missing"),
                Arguments.of("eventType eq \"unterminated", "E0000053", "is not closed"),
                Arguments.of("(eventType eq \"x\"", "E0000053", "parenthesis at position 0 is not closed"),
                Arguments.of("eventType eq \"x\")", "E0000053", "unexpected ')'"),
                Arguments.of("eventType eq \"x\" and", "E0000053", "an expression is missing"),
                Arguments.of("eventType eq \"x\" or or eventType eq \"y\"", "E0000053", "field is not valid: or"),
                Arguments.of("eventType eq x", "E0000053", "a value (a quoted string"),
                Arguments.of("eventType", "E0000053", "an operator is expected"),
                Arguments.of("", "E0000053", "the filter is empty"),
                Arguments.of("eventType eq \"a\" \"b\"", "E0000053", "unexpected"),
                // thousands of open parentheses fit in a request line: a stack overflow, a 500, before the limit
                Arguments.of("(".repeat(5_000) + "uuid pr" + ")".repeat(5_000), "E0000053",
                        "nest more than 64 deep at position 65"),
                Arguments.of("not ".repeat(65) + "uuid pr", "E0000053", "nest more than 64 deep"),
                // a NUL the JSON string escapes: PostgreSQL refuses it in a query (a 500)
                Arguments.of("eventType eq \"a\\u0000\"", "E0000053", "holds a NUL character"));
    }

    /** The schema's newer fields may be filtered on as everywhere else; no entry here holds them. */
    @Test
    void theSchemasNewerFieldsAreFilteredOnAndHeldByNoEntry() {
        List<String> all = select("uuid pr");
        for (String attribute : List.of("securityContext.risk.level", "securityContext.botProtection.level",
                "securityContext.userBehaviors.result", "request.ipChain.ipDetails.ipServiceCategories.type",
                "securityContext.ipDetails.asOrg")) {
            assertThat(select(attribute + " eq \"HIGH\"")).as(attribute).isEmpty();
            assertThat(select("not " + attribute + " pr")).as(attribute).isEqualTo(all);
        }
        assertThat(all).hasSizeGreaterThan(1);
    }

    @Test
    void parenthesesAndNotNestUpToTheLimit() {
        assertThat(select("(".repeat(32) + "not ".repeat(31) + "not actor.id eq \"admin-oz\"" + ")".repeat(32)))
                .containsExactlyElementsOf(select("actor.id eq \"admin-oz\""));
        assertThat(select("(".repeat(LogFilterParser.MAX_DEPTH) + "actor.id eq \"admin-oz\""
                + ")".repeat(LogFilterParser.MAX_DEPTH))).containsExactlyElementsOf(select("actor.id eq \"admin-oz\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidExpressions")
    void invalidExpressionIsRefusedWithTheIdentityPlatformsCode(String filter, String code, String message) {
        assertThatThrownBy(() -> LogFilterParser.parse(filter))
                .isInstanceOfSatisfying(OktaApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.body().errorCode()).isEqualTo(code);
                    assertThat(e.body().errorSummary()).contains(message);
                });
    }

    @Test
    void stringComparisonsOrderLexicographically() {
        assertThat(select("actor.id gt \"admin-sam\"")).containsExactly("e3", "e4");
        assertThat(select("actor.id le \"admin-oz\"")).containsExactly("e2");
    }
}
