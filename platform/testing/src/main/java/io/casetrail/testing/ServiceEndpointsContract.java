package io.casetrail.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import io.casetrail.platform.security.VerifiedJwts;
import io.quarkus.arc.ClientProxy;
import io.restassured.RestAssured;
import io.smallrye.jwt.auth.principal.JWTParser;

/**
 * What every Casetrail service answers, whatever its domain: liveness, readiness of its database and of Kafka,
 * its OpenAPI document and its metrics with processor lag; and bearer tokens checked through {@link VerifiedJwts}.
 * Each service's test extends it as a {@code @QuarkusTest}.
 */
public abstract class ServiceEndpointsContract {

    @Inject
    JWTParser jwtParser;

    @Test
    void bearerTokensAreCheckedThroughVerifiedJwts() {
        // the parser smallrye-jwt's authentication mechanism is given, as it resolves it: by type
        Assertions.assertInstanceOf(VerifiedJwts.class, ClientProxy.unwrap(jwtParser));
    }

    @Test
    void livenessIsUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readinessChecksTheDatabaseAndKafka() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Database connections health check", "Kafka connection health check"));
    }

    @Test
    void openApiDocumentIsServed() {
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body("openapi", org.hamcrest.Matchers.startsWith("3."));
    }

    /**
     * The OpenAPI document holds together as client generators and Swagger UI read it: every security scheme an
     * operation names is defined, and no two operations share an operationId.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theOpenApiDocumentDefinesTheSchemesItNamesAndNamesEachOperationOnce() {
        io.restassured.path.json.JsonPath document = given().when().get("/q/openapi?format=json").then()
                .statusCode(200).extract().jsonPath();
        Map<String, Object> schemes = document.getMap("components.securitySchemes");
        Set<String> named = new TreeSet<>();
        List<String> operationIds = new ArrayList<>();
        documented(document.getMap("paths")).values().forEach(op -> {
            operationIds.add(String.valueOf(op.get("operationId")));
            named.addAll(schemesOf(op));
        });
        Assertions.assertFalse(operationIds.isEmpty(), "operations");
        Assertions.assertEquals(List.of(), operationIds.stream().filter(id -> Collections
                .frequency(operationIds, id) > 1).distinct().toList(), "operationIds of more than one operation");
        Assertions.assertFalse(named.isEmpty(), "security schemes named");
        named.removeAll(schemes == null ? Set.of() : schemes.keySet());
        Assertions.assertEquals(Set.of(), named, "security schemes named but not defined");
    }

    /**
     * The service's operations that answer another success than {@code 200}, as {@code "method path"} to that
     * status ({@code "post /sessions"} to {@code "201"}); the projections' rebuild ({@code 202}) is every service's.
     */
    protected Map<String, String> successStatuses() {
        return Map.of();
    }

    /**
     * A client generated from the OpenAPI document expects what the service answers: an operation that creates
     * (201), accepts (202) or answers no content (204) says so.
     */
    @Test
    void theOpenApiDocumentGivesEachOperationItsSuccessStatus() {
        Map<String, String> expected = new TreeMap<>(successStatuses());
        expected.put("post /ops/projections/{name}/rebuild", "202");
        Map<String, Map<String, Object>> operations = documented(openApiPaths());
        expected.forEach((operation, status) -> {
            Map<String, Object> responses = responsesOf(operation(operations, operation));
            Assertions.assertTrue(responses.containsKey(status), operation + " answers " + status + "; documented: "
                    + responses.keySet());
        });
    }

    /**
     * Every operation documents its success, and every success but {@code 204} its body's schema: a client generated
     * from the document reads a case's state, a page of entries or a created token as what they are, not as an
     * untyped answer.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theOpenApiDocumentGivesTheSchemaOfEverySuccessfulAnswer() {
        List<String> undocumented = new ArrayList<>();
        documented(openApiPaths()).forEach((operation, op) -> {
            if (responsesOf(op).keySet().stream().noneMatch(status -> status.startsWith("2"))) {
                undocumented.add(operation + " (no success documented)");
            }
            responsesOf(op).forEach((status, response) -> {
                if (!status.startsWith("2") || status.equals("204")) {
                    return;
                }
                Object content = ((Map<String, Object>) response).get("content");
                if (!(content instanceof Map<?, ?> media) || media.isEmpty() || media.values().stream().anyMatch(
                        type -> !(type instanceof Map<?, ?> t) || !(t.get("schema") instanceof Map<?, ?> schema)
                                || schema.isEmpty())) { // {} is any JSON at all
                    undocumented.add(operation + " " + status);
                }
            });
        });
        Assertions.assertEquals(List.of(), undocumented, "successful answers without a documented schema");
        // a JSON tree is documented as any JSON object, not as a Jackson node's own properties (isArray, nodeType)
        Map<String, Object> schemas = given().when().get("/q/openapi?format=json").then().statusCode(200).extract()
                .jsonPath().getMap("components.schemas");
        Assertions.assertFalse(schemas != null && schemas.containsKey("JsonNodeType"), "a Jackson node's schema");
    }

    /**
     * The credentials some of the service's operations take, as {@code "method path"} to the names of the security
     * schemes the document gives them, space-separated ({@code "get /admin-view/policies"} to {@code "session"}).
     */
    protected Map<String, String> credentials() {
        return Map.of();
    }

    /** An operation's documented credentials are those it takes: a bearer token, a session's, an API token. */
    @Test
    void theOpenApiDocumentNamesTheCredentialsEachOperationTakes() {
        Map<String, Map<String, Object>> operations = documented(openApiPaths());
        credentials().forEach((operation, schemes) -> Assertions.assertEquals(
                new TreeSet<>(List.of(schemes.split(" "))), schemesOf(operation(operations, operation)), operation));
    }

    private static Map<String, Object> openApiPaths() {
        return given().when().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath()
                .getMap("paths");
    }

    /** The document's operations as {@code "method path"} ({@code "post /cases"}) to each operation. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> documented(Map<String, Object> paths) {
        Map<String, Map<String, Object>> operations = new TreeMap<>();
        paths.forEach((path, item) -> ((Map<String, Object>) item).forEach((method, operation) -> {
            if (operation instanceof Map<?, ?> op && op.containsKey("responses")) { // not a path's own parameters
                operations.put(method + " " + path, (Map<String, Object>) op);
            }
        }));
        return operations;
    }

    private static Map<String, Object> operation(Map<String, Map<String, Object>> operations, String operation) {
        Map<String, Object> op = operations.get(operation);
        Assertions.assertNotNull(op, operation + " in the OpenAPI document");
        return op;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> responsesOf(Map<String, Object> operation) {
        return (Map<String, Object>) operation.get("responses");
    }

    /** The names of the security schemes an operation takes. */
    @SuppressWarnings("unchecked")
    private static Set<String> schemesOf(Map<String, Object> operation) {
        Set<String> named = new TreeSet<>();
        Object security = operation.get("security");
        for (Object requirement : security == null ? List.of() : (List<Object>) security) {
            named.addAll(((Map<String, Object>) requirement).keySet());
        }
        return named;
    }

    /**
     * A token the identity provider issued for another application, or for none, is refused whatever roles it
     * carries: only one naming Casetrail as its audience opens anything.
     */
    @Test
    void aTokenForAnotherAudienceIsRefused() {
        TokenMinter mint = TokenMinter.forTests();
        given().auth().oauth2(mint.token("ops-olga").role("auditor").sign()).when().get("/ops/projections").then()
                .statusCode(200);
        given().auth().oauth2(mint.token("ops-olga").role("auditor").audience("crm").sign()).when()
                .get("/ops/projections").then().statusCode(401);
        given().auth().oauth2(mint.token("ops-olga").role("auditor").audience(null).sign()).when()
                .get("/ops/projections").then().statusCode(401);
    }

    /**
     * Deny by default: every operation of the service's API, as its OpenAPI document lists them, refuses a request
     * without a credential (401), one whose token carries no Casetrail role (403), a bearer token claiming the
     * role only an impersonation session's own token has (401), one carrying a customer's role and the
     * vendor's at once (401: every role is on one side), and a customer's naming no org (401: a customer is bound
     * to one), before anything of the request is looked at.
     */
    @Test
    void everyOperationRefusesNoCredentialAndATokenWithoutARole() {
        TokenMinter mint = TokenMinter.forTests();
        String noRole = mint.token("nobody-" + System.nanoTime()).org("org-nobody").sign();
        String impersonation = mint.token("tse-posing").role("impersonation").org("org-nobody").sign();
        String bothSides = mint.token("admin-and-auditor").role("org-admin").role("auditor").org("org-nobody").sign();
        String noOrg = mint.token("admin-of-nothing").role("org-admin").sign();
        List<Operation> operations = operations(Set.of("get", "post", "put", "patch", "delete"));
        for (Operation operation : operations) {
            Assertions.assertEquals(401, given().contentType("application/json").body("{}")
                    .request(operation.method(), operation.url()).statusCode(), operation + " without a credential");
            Assertions.assertEquals(403, given().auth().oauth2(noRole).contentType("application/json").body("{}")
                    .request(operation.method(), operation.url()).statusCode(), operation + " with a token of no role");
            Assertions.assertEquals(401, given().auth().oauth2(impersonation).contentType("application/json")
                    .body("{}").request(operation.method(), operation.url()).statusCode(), operation
                    + " with a bearer token claiming the impersonation role");
            Assertions.assertEquals(401, given().auth().oauth2(bothSides).contentType("application/json")
                    .body("{}").request(operation.method(), operation.url()).statusCode(), operation
                    + " with a token of a customer's role and the vendor's");
            Assertions.assertEquals(401, given().auth().oauth2(noOrg).contentType("application/json")
                    .body("{}").request(operation.method(), operation.url()).statusCode(), operation
                    + " with a customer's token naming no org");
        }
        Assertions.assertTrue(operations.size() >= 3, "the OpenAPI document lists the service's operations: "
                + operations.size());
    }

    /** An operation of the service's OpenAPI document, its path parameters given a value so its route is found. */
    record Operation(String method, String path, String url) {
        @Override
        public String toString() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

    /** The operations of the service's OpenAPI document with one of these (lower-case) methods. */
    private static List<Operation> operations(Set<String> methods) {
        List<Operation> operations = new ArrayList<>();
        for (String operation : documented(openApiPaths()).keySet()) {
            String[] methodAndPath = operation.split(" ", 2);
            if (methods.contains(methodAndPath[0])) {
                operations.add(new Operation(methodAndPath[0], methodAndPath[1],
                        methodAndPath[1].replaceAll("\\{[^}]+}", "x1")));
            }
        }
        return operations;
    }

    /**
     * An auditor reads and never changes anything (DOMAIN.md): every operation of the service that could change
     * something (POST, PUT, PATCH, DELETE in its OpenAPI document) refuses an auditor's token, 403, before anything
     * of the request is looked at. One role added to a write by mistake fails here.
     */
    @Test
    void noWriteTakesAnAuditor() {
        String auditor = TokenMinter.forTests().token("aud-" + System.nanoTime()).role("auditor").sign();
        List<Operation> writes = operations(Set.of("post", "put", "patch", "delete"));
        for (Operation write : writes) {
            Assertions.assertEquals(403, given().auth().oauth2(auditor).contentType("application/json").body("{}")
                    .request(write.method(), write.url()).statusCode(), write + " with an auditor's token");
        }
        Assertions.assertTrue(writes.size() >= 1, "the OpenAPI document lists the service's writes: " + writes.size());
    }

    /**
     * A credential the server refuses (a forged bearer token) is answered before the request filters run; the answer
     * carries the request's id all the same, the one the client sent or a new one.
     */
    @Test
    void aRefusedCredentialIsAnsweredWithTheRequestsId() {
        given().header("Authorization", "Bearer not.a.token").header("X-Request-Id", "forged-1").when()
                .get("/anything").then().statusCode(401).header("X-Request-Id", equalTo("forged-1"));
        given().header("Authorization", "Bearer not.a.token").when().get("/anything").then().statusCode(401)
                .header("X-Request-Id", org.hamcrest.Matchers.matchesPattern("[0-9a-f-]{36}"));
    }

    /**
     * A body longer than the HTTP server takes is refused as any refusal is, with a body saying why: problem+json,
     * or the identity platform's error body on its endpoints, and the request's id. Sent as a careful client sends
     * it, the length declared first: the answer comes before the body, and the connection closes.
     */
    @Test
    void aBodyOverTheServersLimitIsRefusedSayingWhy() throws IOException {
        Answer problem = declaringABody("/anything", 50_000_000, "X-Request-Id: big-1\r\n");
        Assertions.assertTrue(problem.text().startsWith("HTTP/1.1 413 "), problem.text());
        String head = problem.text().toLowerCase(Locale.ROOT);
        Assertions.assertTrue(head.contains("content-type: application/problem+json")
                && head.contains("x-request-id: big-1"), problem.text());
        Assertions.assertTrue(problem.text().contains("\"type\":\"https://casetrail.io/problems/payload-too-large\"")
                && problem.text().contains("declares 50000000 bytes; this server takes at most 41943040"),
                problem.text());
        Assertions.assertTrue(problem.closed(), "the connection closes: the body it declared is not read");
        for (String platformPath : new String[] {"/api/v1/anything", "/%61pi/v1/anything"}) {
            Answer okta = declaringABody(platformPath, 50_000_000, "");
            Assertions.assertTrue(okta.text().startsWith("HTTP/1.1 413 "), okta.text());
            Assertions.assertTrue(okta.text().contains("\"errorCode\":\"E0000001\""), okta.text());
        }
        Answer within = declaringABody("/anything", 2, "");
        Assertions.assertTrue(within.text().startsWith("HTTP/1.1 404 "), "a body within the limit goes on to the"
                + " routes (here: none) " + within.text());
    }

    /** What a server answered, and whether it closed the connection after it. */
    protected record Answer(String text, boolean closed) {
    }

    /**
     * What the server answers a POST whose body comes in chunks of 64 KiB, {@code length} bytes of spaces in all, no
     * length declared: read until the server closes the connection (or 10 s pass). The chunks stop where
     * {@code length} does, so that no unread byte is left to reset the connection before the answer is read.
     */
    protected static Answer sendingChunks(String path, long length, String headers) throws IOException {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = " ".repeat(65_536).getBytes(StandardCharsets.US_ASCII);
            for (long sent = 0; sent < length; sent += chunk.length) {
                int size = (int) Math.min(chunk.length, length - sent);
                out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk, 0, size);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            return answer(socket, false);
        }
    }

    /**
     * What the server answers a POST that declares {@code length} bytes: over a kilobyte, it sends none and reads
     * the answer until the server closes the connection (or 10 s pass); up to one, it sends that many spaces and
     * reads the answer's head.
     */
    private static Answer declaringABody(String path, long length, String headers) throws IOException {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers
                    + "Content-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n"
                    + (length <= 1000 ? " ".repeat((int) length) : "")).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return answer(socket, length <= 1000);
        }
    }

    /**
     * The answer read from {@code socket} until the server closes the connection (or 10 s pass), or, with
     * {@code headOnly}, until its head is in.
     */
    private static Answer answer(Socket socket, boolean headOnly) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        boolean closed = false;
        try {
            while (true) {
                int n = socket.getInputStream().read(buffer);
                if (n < 0) {
                    closed = true;
                    break;
                }
                answer.write(buffer, 0, n);
                if (headOnly && answer.toString(StandardCharsets.UTF_8).contains("\r\n\r\n")) {
                    break; // the connection stays open: the head is enough
                }
            }
        } catch (SocketTimeoutException e) {
            // nothing more came, and the connection is still open
        }
        return new Answer(answer.toString(StandardCharsets.UTF_8), closed);
    }

    /**
     * The HTTP metrics name a request by its route's template, never by the path or query a client sent: requests
     * anyone can send (no credential, a forged one, a path no route has, a query) add no series of their own, or
     * a stranger could grow the metrics, and the memory holding them, without end.
     */
    @Test
    void refusedRequestsAddNoMetricSeriesOfTheirOwn() {
        String mark = "zq" + System.nanoTime();
        List<String> paths = List.of("/" + mark, "/" + mark + "/x?" + mark + "=1", "/cases/" + mark,
                "/escalations/" + mark, "/orgs/" + mark + "/api/v1/logs?q=" + mark, "/sessions/" + mark);
        for (String path : paths) {
            given().when().get(path).then().statusCode(org.hamcrest.Matchers.greaterThanOrEqualTo(400));
            given().header("Authorization", "Bearer not.a.token").when().get(path).then()
                    .statusCode(org.hamcrest.Matchers.greaterThanOrEqualTo(400));
            given().header("Authorization", "SSWS " + mark).when().get(path).then()
                    .statusCode(org.hamcrest.Matchers.greaterThanOrEqualTo(400));
        }
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Assertions.assertEquals(List.of(), metrics.lines().filter(line -> line.contains(mark)).toList(),
                "metric series naming what a client sent");
    }

    @Test
    void metricsIncludeTheRelayLag() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("casetrail_processor_lag_events{processor=\"kafka-relay\"}"));
    }

    /** Every view fed from Kafka has its lag on the metrics, as each Axon projection does. */
    @Test
    void metricsIncludeEveryKafkaConsumersLag() {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        List<String> applied = java.util.regex.Pattern.compile(
                "casetrail_consumer_applied_events_total\\{consumer=\"([^\"]+)\"").matcher(metrics).results()
                .map(m -> m.group(1)).distinct().toList();
        Assertions.assertFalse(applied.isEmpty(), "the service's Kafka consumers are on the metrics");
        for (String consumer : applied) {
            Assertions.assertTrue(metrics.contains("casetrail_consumer_lag_records{consumer=\"" + consumer + "\"}"),
                    "the lag of consumer " + consumer);
        }
    }
}
