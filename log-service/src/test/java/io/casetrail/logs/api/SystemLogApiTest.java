package io.casetrail.logs.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.casetrail.events.Actor;
import io.casetrail.events.RequestOrigin;
import io.casetrail.events.Topics;
import io.casetrail.events.access.ApiTokenCreated;
import io.casetrail.events.access.GrantScope;
import io.casetrail.events.access.ImpersonationEnded;
import io.casetrail.events.access.ImpersonationStarted;
import io.casetrail.events.access.SessionEndReason;
import io.casetrail.events.access.SessionWriteRefused;
import io.casetrail.events.access.SupportAccessExtended;
import io.casetrail.events.access.SupportAccessGranted;
import io.casetrail.events.access.SupportAccessRevoked;
import io.casetrail.events.cases.CaseAssigned;
import io.casetrail.events.cases.CaseClosed;
import io.casetrail.events.cases.CaseOpened;
import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.cases.CloseReason;
import io.casetrail.events.cases.ContactPreference;
import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;
import io.casetrail.events.orgadmin.ActionKind;
import io.casetrail.events.orgadmin.AdminActionRefused;
import io.casetrail.events.orgadmin.FeatureFlagChanged;
import io.casetrail.events.orgadmin.ImpersonationWriteRefused;
import io.casetrail.events.orgadmin.MfaFactorsReset;
import io.casetrail.events.orgadmin.PasswordResetSent;
import io.casetrail.events.orgadmin.TemporaryPasswordSent;
import io.casetrail.platform.security.ApiTokens;
import io.casetrail.platform.security.Roles;
import io.casetrail.platform.store.Jdbc;
import io.casetrail.testing.KafkaTestResource;
import io.casetrail.testing.TestEvents;
import io.casetrail.testing.TokenMinter;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** The System Log API over a real broker and database: semantics, paging, errors and who reads which org. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class SystemLogApiTest {

    static final TokenMinter MINT = TokenMinter.forTests();
    static final String RUN = Long.toString(System.nanoTime(), 36);
    static final String ORG = "org-log-" + RUN;
    static final String OTHER_ORG = "org-other-" + RUN;
    static final String CASE = "7" + RUN.substring(Math.max(0, RUN.length() - 7));
    static final String SECRET = ApiTokens.newSecret();
    static final String OTHER_SECRET = ApiTokens.newSecret();
    static final Instant T0 = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
    static final Actor SUPER = new Actor("admin-sam", "Sam Super", Actor.Kind.CUSTOMER, Roles.ORG_SUPER_ADMIN);
    static final Actor TOM = new Actor("tse-tom", "Tom", Actor.Kind.SUPPORT, Roles.SUPPORT_ENGINEER);
    static final RequestOrigin ORIGIN = new RequestOrigin("203.0.113.7", "okta-sdk-java/24.0.0", null);
    static final List<String> IDS = new ArrayList<>();
    static final Duration WAIT = Duration.ofSeconds(30);

    static boolean seeded;

    @jakarta.inject.Inject
    Jdbc jdbc;

    @BeforeEach
    void orgWithSupportActivity() {
        if (seeded) {
            return;
        }
        seeded = true;
        TestEvents.publish(Topics.ACCESS, "support-access-service", "00Ttest" + RUN, 0, new ApiTokenCreated(ORG,
                "00Ttest" + RUN, "SIEM", ApiTokens.hash(SECRET), Roles.ORG_SUPER_ADMIN, SUPER), T0,
                UUID.randomUUID().toString());
        TestEvents.publish(Topics.ACCESS, "support-access-service", "00Tother" + RUN, 0, new ApiTokenCreated(
                OTHER_ORG, "00Tother" + RUN, "SIEM", ApiTokens.hash(OTHER_SECRET), Roles.ORG_SUPER_ADMIN,
                new Actor("admin-oz", "Oz", Actor.Kind.CUSTOMER, Roles.ORG_SUPER_ADMIN)), T0,
                UUID.randomUUID().toString());
        // published times deliberately out of recording order: extend is recorded before the session start
        publish(1, new SupportAccessGranted(ORG, "g-1", GrantScope.ORG, null, List.of(CASE),
                T0.plus(Duration.ofHours(8)), ORIGIN, SUPER), 10);
        publish(2, new SupportAccessExtended(ORG, "g-1", GrantScope.ORG, null, List.of(CASE),
                T0.plus(Duration.ofHours(32)), new RequestOrigin(ORIGIN.ipAddress(), ORIGIN.userAgent(),
                "00Ttest" + RUN), SUPER), 40); // made with the org's API token
        publish(3, new ImpersonationStarted(ORG, "s-1", CASE, "g-1", T0.plus(Duration.ofHours(1)), 2L, ORIGIN, TOM),
                20);
        publish(4, new ImpersonationEnded(ORG, "s-1", CASE, "tse-tom", SessionEndReason.STOPPED, ORIGIN, TOM), 30);
        publish(5, new SupportAccessRevoked(ORG, "g-1", GrantScope.ORG, null, List.of(CASE), ORIGIN, SUPER), 50);
        await().atMost(WAIT).untilAsserted(() -> ssws(SECRET).queryParam("filter", "eventType sw \"user.session\"")
                .get("/api/v1/logs").then().statusCode(200).body("$", hasSize(5)));
    }

    private static void publish(long sequence, io.casetrail.events.DomainEvent event, int minutes) {
        String id = UUID.randomUUID().toString();
        IDS.add(id);
        TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, sequence, event,
                T0.plus(Duration.ofMinutes(minutes)), id);
    }

    static RequestSpecification ssws(String secret) {
        return given().header("Authorization", "SSWS " + secret);
    }

    static RequestSpecification jwt(String token) {
        return given().auth().oauth2(token);
    }

    static List<String> uuids(Response response) {
        return response.then().statusCode(200).extract().jsonPath().getList("uuid", String.class);
    }

    /** Follows a link exactly as given (it is already encoded), as the SDKs do. */
    static Response follow(String url) {
        return given().urlEncodingEnabled(false).header("Authorization", "SSWS " + SECRET).get(url);
    }

    static String next(Response response) {
        return response.headers().getValues("link").stream().filter(l -> l.endsWith("; rel=\"next\""))
                .map(l -> l.substring(1, l.indexOf('>'))).findFirst().orElse(null);
    }

    // --- the LogEvent ------------------------------------------------------------------------------------------

    @Test
    void entriesCarryTheLogEventSchemaFromTheEventsOwnData() {
        ssws(SECRET).queryParam("filter", "eventType eq \"user.session.impersonation.initiate\"")
                .get("/api/v1/logs").then().statusCode(200)
                .body("$", hasSize(1))
                .body("[0].uuid", equalTo(IDS.get(2)))
                .body("[0].published", equalTo(io.casetrail.logs.systemlog.LogEventMapper.TIMESTAMP.format(
                        T0.plus(Duration.ofMinutes(20)))))
                .body("[0].version", equalTo("0"))
                .body("[0].severity", equalTo("INFO"))
                .body("[0].legacyEventType", equalTo("core.user.impersonation.session.initiated"))
                .body("[0].displayMessage", equalTo("Initiate impersonation session"))
                .body("[0].actor.id", equalTo("tse-tom"))
                .body("[0].actor.type", equalTo("User"))
                .body("[0].actor.displayName", equalTo("Tom"))
                .body("[0].client.ipAddress", equalTo("203.0.113.7"))
                .body("[0].client.userAgent.rawUserAgent", equalTo("okta-sdk-java/24.0.0"))
                .body("[0].client.device", equalTo("Unknown"))
                .body("[0].client", org.hamcrest.Matchers.hasKey("geographicalContext"))
                .body("[0].client.geographicalContext", org.hamcrest.Matchers.nullValue())
                .body("[0].request.ipChain[0].ip", equalTo("203.0.113.7"))
                .body("[0].request.ipChain[0].version", equalTo("V4"))
                .body("[0].request.ipChain[0]", org.hamcrest.Matchers.hasKey("geographicalContext"))
                .body("[0].outcome.result", equalTo("SUCCESS"))
                .body("[0].target.id", org.hamcrest.Matchers.hasItems("s-1", CASE))
                .body("[0].transaction.type", equalTo("WEB"))
                .body("[0].debugContext.debugData.case_number", equalTo(CASE))
                .body("[0].debugContext.debugData.originalPrincipal.id", equalTo("tse-tom"))
                .body("[0].authenticationContext.externalSessionId", equalTo("s-1"))
                .body("[0].securityContext", org.hamcrest.Matchers.notNullValue());
    }

    /** Every grant, extension, revocation, session start and end names its case: the org-wide grant's too. */
    @Test
    void everySupportAccessEntryNamesTheCasesItConcerns() {
        ssws(SECRET).queryParam("filter", "eventType sw \"user.session\"").get("/api/v1/logs").then().statusCode(200)
                .body("eventType", org.hamcrest.Matchers.containsInAnyOrder("user.session.impersonation.grant",
                        "user.session.impersonation.initiate", "user.session.impersonation.end",
                        "user.session.impersonation.extend", "user.session.impersonation.revoke"))
                .body("debugContext.debugData.case_number", org.hamcrest.Matchers.everyItem(equalTo(CASE)))
                .body("find { it.eventType == 'user.session.impersonation.extend' }.target.id",
                        org.hamcrest.Matchers.hasItems("g-1", CASE))
                .body("find { it.eventType == 'user.session.impersonation.revoke' }.target.id",
                        org.hamcrest.Matchers.hasItems("g-1", CASE));
    }

    // --- polling and bounded reads ---------------------------------------------------------------------------

    @Test
    void pollingReadsInRecordedOrderWithANextLinkEvenOnAnEmptyPage() {
        String filter = "eventType sw \"user.session\"";
        Response first = ssws(SECRET).queryParam("filter", filter).queryParam("limit", 2).get("/api/v1/logs");
        assertThat(uuids(first)).containsExactly(IDS.get(0), IDS.get(1));
        List<String> links = first.headers().getValues("link");
        assertThat(links).hasSize(2);
        assertThat(links.get(0)).startsWith("<http").endsWith(">; rel=\"self\"");
        String next = next(first);
        assertThat(next).startsWith("http").contains("after=").contains("filter=").contains("limit=2");

        List<String> all = new ArrayList<>(uuids(first));
        Response page = first;
        for (int i = 0; i < 5 && all.size() < 5; i++) {
            page = follow(next(page));
            all.addAll(uuids(page));
        }
        assertThat(all).containsExactlyElementsOf(IDS);
        Response empty = follow(next(page));
        assertThat(uuids(empty)).isEmpty();
        assertThat(next(empty)).isNotNull();
    }

    /**
     * A poller that starts from now on a quiet org (or with a filter nothing matches yet) gets an empty page; its
     * next link goes on from that since, not from the org's first entry.
     */
    @Test
    void aPollingReadThatFindsNothingYetGoesOnFromItsSince() throws InterruptedException {
        String org = "org-quiet-" + RUN;
        String admin = MINT.token("admin-quinn").role(Roles.ORG_ADMIN).org(org).sign();
        String before = UUID.randomUUID().toString();
        TestEvents.publish(Topics.ACCESS, "support-access-service", org, 1, new SupportAccessRevoked(org, "g-q1",
                GrantScope.ORG, null, List.of(), ORIGIN, SUPER), T0, before);
        await().atMost(WAIT).untilAsserted(() -> assertThat(uuids(jwt(admin).get("/api/v1/logs")))
                .containsExactly(before));
        Thread.sleep(5); // since lies after the first entry was recorded
        Response first = jwt(admin).queryParam("since", Instant.now().toString()).get("/api/v1/logs");
        assertThat(uuids(first)).isEmpty();
        String next = next(first);
        assertThat(uuids(given().urlEncodingEnabled(false).auth().oauth2(admin).get(next))).isEmpty();

        String after = UUID.randomUUID().toString();
        TestEvents.publish(Topics.ACCESS, "support-access-service", org, 2, new SupportAccessRevoked(org, "g-q2",
                GrantScope.ORG, null, List.of(), ORIGIN, SUPER), T0, after);
        await().atMost(WAIT).untilAsserted(() -> assertThat(uuids(given().urlEncodingEnabled(false).auth()
                .oauth2(admin).get(next))).containsExactly(after));
    }

    /** {@code limit=0} (allowed: 0 to 1000) answers an empty page; a polling read keeps its next link. */
    @Test
    void aLimitOfZeroAnswersAnEmptyPage() {
        Response polling = ssws(SECRET).queryParam("limit", 0).get("/api/v1/logs");
        assertThat(uuids(polling)).isEmpty();
        assertThat(uuids(follow(next(polling).replace("limit=0", "limit=100")))).containsAll(IDS);
        Response bounded = ssws(SECRET).queryParam("limit", 0).queryParam("since", T0.toString())
                .queryParam("until", T0.plus(Duration.ofHours(1)).toString()).get("/api/v1/logs");
        assertThat(uuids(bounded)).isEmpty();
        assertThat(next(bounded)).isNull();
    }

    /** A poller follows its next links for good: a since grown older than 180 days is not held against a page. */
    @Test
    void aNextLinkStillAnswersWhenItsSinceIsOverHalfAYearOld() {
        String filter = "eventType sw \"user.session\"";
        String next = next(ssws(SECRET).queryParam("filter", filter).queryParam("limit", 1).get("/api/v1/logs"));
        String cursor = next.substring(next.indexOf("after=") + "after=".length()).replaceAll("&.*", "");
        String longAgo = Instant.now().minus(Duration.ofDays(200)).toString();
        List<String> rest = uuids(ssws(SECRET).queryParam("since", longAgo).queryParam("after", cursor)
                .queryParam("filter", filter).get("/api/v1/logs"));
        // the seeded entries after the first (another test may have recorded one more after them)
        assertThat(rest.subList(0, IDS.size() - 1)).containsExactlyElementsOf(IDS.subList(1, IDS.size()));
        ssws(SECRET).queryParam("since", longAgo).get("/api/v1/logs").then().statusCode(400)
                .body("errorCode", equalTo("E0000053"));
    }

    /**
     * The API shows the last 90 days, as the identity platform does: a since within 180 days but before them, and a
     * crafted cursor from the beginning of time, answer with what is left; nothing older.
     */
    @Test
    void entriesPublishedOverNinetyDaysAgoAreNotShown() {
        String org = "org-aged-" + RUN;
        String admin = MINT.token("admin-quinn").role(Roles.ORG_ADMIN).org(org).sign();
        Instant now = Instant.now();
        String aged = UUID.randomUUID().toString();
        String kept = UUID.randomUUID().toString();
        TestEvents.publish(Topics.ACCESS, "support-access-service", org, 1, new SupportAccessRevoked(org, "g-a1",
                GrantScope.ORG, null, List.of(), ORIGIN, SUPER), now.minus(Duration.ofDays(91)), aged);
        TestEvents.publish(Topics.ACCESS, "support-access-service", org, 2, new SupportAccessRevoked(org, "g-a2",
                GrantScope.ORG, null, List.of(), ORIGIN, SUPER), now.minus(Duration.ofDays(89)), kept);
        String since = now.minus(Duration.ofDays(120)).toString();
        await().atMost(WAIT).untilAsserted(() -> assertThat(uuids(jwt(admin).queryParam("since", since)
                .get("/api/v1/logs"))).containsExactly(kept));
        assertThat(uuids(jwt(admin).queryParam("since", since).queryParam("until", now.toString())
                .queryParam("sortOrder", "DESCENDING").get("/api/v1/logs"))).containsExactly(kept);
        assertThat(uuids(jwt(admin).queryParam("after", "0_1").get("/api/v1/logs"))).containsExactly(kept);
        assertThat(uuids(jwt(admin).queryParam("since", since).queryParam("until", now.toString())
                .queryParam("after", "0_1").get("/api/v1/logs"))).containsExactly(kept);
    }

    @Test
    void boundedReadsFollowPublishedTimeBothWaysAndEndWithoutNext() {
        String since = T0.toString();
        String until = T0.plus(Duration.ofHours(1)).toString();
        List<String> ascending = new ArrayList<>();
        String url = "/api/v1/logs?since=" + since + "&until=" + until + "&limit=2&filter="
                + "eventType%20sw%20%22user.session%22";
        Response page = ssws(SECRET).urlEncodingEnabled(false).get(url);
        ascending.addAll(uuids(page));
        while (next(page) != null) {
            page = follow(next(page));
            ascending.addAll(uuids(page));
        }
        // published order: grant (10), initiate (20), end (30), extend (40), revoke (50)
        assertThat(ascending).containsExactly(IDS.get(0), IDS.get(2), IDS.get(3), IDS.get(1), IDS.get(4));

        Response descending = ssws(SECRET).urlEncodingEnabled(false)
                .get(url.replace("limit=2", "limit=10") + "&sortOrder=DESCENDING");
        assertThat(uuids(descending)).containsExactly(IDS.get(4), IDS.get(1), IDS.get(3), IDS.get(2), IDS.get(0));
        assertThat(next(descending)).isNull();

        Response window = ssws(SECRET).queryParam("since", T0.plus(Duration.ofMinutes(25)).toString())
                .queryParam("until", T0.plus(Duration.ofMinutes(45)).toString()).get("/api/v1/logs");
        assertThat(uuids(window)).containsExactly(IDS.get(3), IDS.get(1));
    }

    /**
     * A descending read without until is bounded by the time of its first page (and since by a week before it):
     * every next link names that window, as the identity platform's do, so that it does not slide while the client
     * pages, leaving the oldest entries out.
     */
    @Test
    void aDescendingReadWithoutUntilKeepsItsFirstPagesWindow() {
        Instant asked = Instant.now();
        Response page = ssws(SECRET).queryParam("sortOrder", "DESCENDING").queryParam("limit", "2")
                .get("/api/v1/logs");
        List<String> read = new ArrayList<>(uuids(page));
        String firstNext = next(page);
        assertThat(firstNext).isNotNull();
        Instant until = Instant.parse(queryParam(firstNext, "until"));
        Instant since = Instant.parse(queryParam(firstNext, "since"));
        assertThat(until).isBetween(asked.minusSeconds(1), Instant.now());
        assertThat(Duration.between(since, until)).isEqualTo(Duration.ofDays(7));
        while (next(page) != null) {
            String link = next(page);
            assertThat(queryParam(link, "until")).isEqualTo(until.toString());
            assertThat(queryParam(link, "since")).isEqualTo(since.toString());
            page = follow(link);
            read.addAll(uuids(page));
        }
        assertThat(read).containsExactlyElementsOf(uuids(ssws(SECRET).queryParam("sortOrder", "DESCENDING")
                .queryParam("since", since.toString()).queryParam("until", until.toString())
                .queryParam("limit", "1000").get("/api/v1/logs")));
        assertThat(read).containsSubsequence(IDS.get(4), IDS.get(1), IDS.get(3), IDS.get(2), IDS.get(0));
    }

    /**
     * The Java SDK pages by re-sending its own parameters with the next page's {@code after} (okta-apis.md 5.4), not
     * by following the link: a descending read without since keeps its first page's window all the same (the cursor
     * carries its start), so the oldest entry of that week is read even once the clock has moved past it.
     */
    @Test
    void aDescendingReadPagedWithItsOwnParametersKeepsItsFirstPagesWindow() throws Exception {
        String org = "org-window-" + RUN;
        String secret = ApiTokens.newSecret();
        TestEvents.publish(Topics.ACCESS, "support-access-service", "00Twindow" + RUN, 0, new ApiTokenCreated(org,
                "00Twindow" + RUN, "SIEM", ApiTokens.hash(secret), Roles.ORG_SUPER_ADMIN, SUPER), Instant.now(),
                UUID.randomUUID().toString());
        // the oldest entry a week's window holds for ten seconds more; the other one an hour old
        Instant oldest = Instant.now().minus(Duration.ofDays(7)).plusSeconds(10);
        String oldId = UUID.randomUUID().toString();
        String newId = UUID.randomUUID().toString();
        TestEvents.publish(Topics.ACCESS, "support-access-service", org, 1, new SupportAccessGranted(org, "g-w1",
                GrantScope.ORG, null, List.of(), oldest.plus(Duration.ofHours(8)), ORIGIN, SUPER), oldest, oldId);
        TestEvents.publish(Topics.ACCESS, "support-access-service", org, 2, new SupportAccessRevoked(org, "g-w1",
                GrantScope.ORG, null, List.of(), ORIGIN, SUPER), Instant.now().minus(Duration.ofHours(1)), newId);
        String filter = "eventType sw \"user.session\""; // not the token's creation
        Response first = await().atMost(Duration.ofSeconds(8)).until(() -> ssws(secret).queryParam("filter", filter)
                .queryParam("sortOrder", "DESCENDING").queryParam("limit", "1").get("/api/v1/logs"),
                page -> next(page) != null);
        assertThat(uuids(first)).containsExactly(newId);
        String after = queryParam(next(first), "after");
        // the clock moves past the oldest entry's week before the client asks for the next page
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), oldest.plus(Duration.ofDays(7))).toMillis() + 500));
        Response second = ssws(secret).queryParam("filter", filter).queryParam("sortOrder", "DESCENDING")
                .queryParam("limit", "1")
                .queryParam("after", after).get("/api/v1/logs");
        assertThat(uuids(second)).containsExactly(oldId);
    }

    static String queryParam(String url, String name) {
        for (String pair : java.net.URI.create(url).getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The identity platform's endpoints name the request's id under its own header too. */
    @Test
    void answersCarryTheRequestIdUnderTheIdentityPlatformsNameToo() {
        ssws(SECRET).header("X-Request-Id", "siem-poll-7").get("/api/v1/logs").then().statusCode(200)
                .header("X-Request-Id", equalTo("siem-poll-7")).header("X-Okta-Request-Id", equalTo("siem-poll-7"));
        ssws(SECRET).queryParam("limit", "x").get("/api/v1/logs").then().statusCode(400)
                .header("X-Okta-Request-Id", org.hamcrest.Matchers.matchesPattern("[0-9a-f-]{36}"));
        given().header("Authorization", "SSWS not-a-token").get("/api/v1/logs").then().statusCode(401)
                .header("X-Okta-Request-Id", org.hamcrest.Matchers.notNullValue())
                .body("errorCode", equalTo("E0000011")).body("errorId", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void keywordsMatchWholeWordsIgnoringCaseAndAllMustMatch() {
        assertThat(uuids(ssws(SECRET).queryParam("q", "ENABLE Impersonation").get("/api/v1/logs")))
                .containsExactly(IDS.get(0));
        assertThat(uuids(ssws(SECRET).queryParam("q", CASE + " tom").get("/api/v1/logs")))
                .containsExactly(IDS.get(2), IDS.get(3));
        assertThat(uuids(ssws(SECRET).queryParam("q", "impersonation.initiate").get("/api/v1/logs"))).isEmpty();
        assertThat(uuids(ssws(SECRET).queryParam("q", "user.session.impersonation.initiate").get("/api/v1/logs")))
                .containsExactly(IDS.get(2));
        assertThat(uuids(ssws(SECRET).queryParam("q", "imperson").get("/api/v1/logs"))).isEmpty();
        // a hyphenated word inside a longer value, by itself or by its parts ("Support access (org-wide)")
        assertThat(uuids(ssws(SECRET).queryParam("q", "Org-Wide").get("/api/v1/logs")))
                .containsExactly(IDS.get(0), IDS.get(1), IDS.get(4));
        assertThat(uuids(ssws(SECRET).queryParam("q", "wide").get("/api/v1/logs")))
                .containsExactly(IDS.get(0), IDS.get(1), IDS.get(4));
    }

    /**
     * An entry of a request made with an org API token names the token where the platform does
     * ({@code transaction.detail.requestApiTokenId}), so a customer finds what a token did; others have none.
     */
    @Test
    void anEntryOfARequestMadeWithAnApiTokenNamesTheToken() {
        String token = "00Ttest" + RUN;
        assertThat(uuids(ssws(SECRET).queryParam("filter", "transaction.detail.requestApiTokenId eq \"" + token + "\"")
                .get("/api/v1/logs"))).containsExactly(IDS.get(1));
        assertThat(uuids(ssws(SECRET).queryParam("q", token).get("/api/v1/logs"))).hasSize(2)
                .contains(IDS.get(1)); // and the token's creation, its target
        ssws(SECRET).queryParam("filter", "uuid eq \"" + IDS.get(1) + "\"").get("/api/v1/logs").then()
                .body("[0].transaction.detail.requestApiTokenId", equalTo(token))
                .body("[0].client.ipAddress", equalTo("203.0.113.7"));
        ssws(SECRET).queryParam("filter", "uuid eq \"" + IDS.get(0) + "\"").get("/api/v1/logs").then()
                .body("[0].transaction.detail", equalTo(java.util.Map.of()));
    }

    @Test
    void filterReachesIntoTargets() {
        assertThat(uuids(ssws(SECRET).queryParam("filter", "target.id eq \"s-1\"").get("/api/v1/logs")))
                .containsExactly(IDS.get(2), IDS.get(3));
        assertThat(uuids(ssws(SECRET).queryParam("filter",
                "target.id eq \"" + CASE + "\" and not actor.id eq \"tse-tom\"").get("/api/v1/logs")))
                .containsExactly(IDS.get(0), IDS.get(1), IDS.get(4)); // the org-wide grant's, each naming its case
    }

    /**
     * An event's id is its entry's uuid, up to the 255 characters consumers take (an id longer, or with NUL,
     * is no Casetrail event: passed over by every consumer, CloudEventRecordsTest, and reported unreadable
     * by an audit replay). It stops nothing behind it.
     */
    @Test
    void anEventOfTheLongestIdTakenHasItsEntry() {
        String org = "org-longid-" + RUN;
        String longId = "l".repeat(255 - RUN.length()) + RUN;
        String marker = UUID.randomUUID().toString();
        TestEvents.publish(Topics.ACCESS, "support-access-service", org, 0, new SupportAccessRevoked(org, "g-1",
                GrantScope.ORG, null, List.of(), ORIGIN, SUPER), Instant.now(), longId);
        TestEvents.publish(Topics.ACCESS, "support-access-service", org, 1, new SupportAccessRevoked(org, "g-4",
                GrantScope.ORG, null, List.of(), ORIGIN, SUPER), Instant.now(), marker);
        String auditor = MINT.token("aud-al").role(Roles.AUDITOR).sign();
        await().atMost(WAIT).untilAsserted(() -> assertThat(uuids(jwt(auditor).get("/orgs/" + org + "/api/v1/logs")))
                .containsExactly(longId, marker));
    }

    /**
     * A record with an event's headers whose value is no JSON text (empty, or not JSON) can never become that event:
     * the System Log passes over it, and the events behind it get their entries.
     */
    @Test
    void aRecordWhoseValueIsNoJsonHoldsNothingUp() {
        String org = "org-nojson-" + RUN;
        String type = io.casetrail.events.EventCatalog.typeOf(SupportAccessRevoked.class);
        for (String value : List.of("", "not json {")) {
            io.casetrail.testing.TopicReader.send(io.casetrail.platform.kafka.CloudEventRecords.toRecord(Topics.ACCESS,
                    new io.casetrail.events.CloudEvent(UUID.randomUUID().toString(),
                            "/casetrail/support-access-service", type, Instant.now(), org, org, null, "admin-sue", 0L,
                            UUID.randomUUID().toString(), value.getBytes(StandardCharsets.UTF_8))));
        }
        String marker = UUID.randomUUID().toString();
        TestEvents.publish(Topics.ACCESS, "support-access-service", org, 1, new SupportAccessRevoked(org, "g-5",
                GrantScope.ORG, null, List.of(), ORIGIN, SUPER), Instant.now(), marker);
        String auditor = MINT.token("aud-al").role(Roles.AUDITOR).sign();
        await().atMost(WAIT).untilAsserted(() -> assertThat(uuids(jwt(auditor).get("/orgs/" + org + "/api/v1/logs")))
                .containsExactly(marker));
    }

    /**
     * An event of no org the System Log can file it under (no {@code ce_orgid}, or one longer than any org id) has
     * no entry, and holds up none of the events behind it.
     */
    @Test
    void anEventOfNoOrgToFileItUnderHoldsNothingUp() {
        String org = "org-noorg-" + RUN;
        String longOrg = org + "-" + "x".repeat(256 - org.length());
        String marker = UUID.randomUUID().toString();
        var withoutOrg = revocation(org, 0, org, UUID.randomUUID().toString());
        withoutOrg.headers().remove(io.casetrail.events.CloudEventHeaders.ORG_ID);
        var ofALongOrg = revocation(org, 1, longOrg, UUID.randomUUID().toString());
        // the header names the org, the payload (whose org the entry is filed under) a longer one
        var namingALongOrg = revocation(org, 2, longOrg, UUID.randomUUID().toString());
        namingALongOrg.headers().remove(io.casetrail.events.CloudEventHeaders.ORG_ID);
        namingALongOrg.headers().add(io.casetrail.events.CloudEventHeaders.ORG_ID,
                org.getBytes(StandardCharsets.UTF_8));
        io.casetrail.testing.TopicReader.sendTogether(List.of(withoutOrg, ofALongOrg, namingALongOrg,
                revocation(org, 3, org, marker)));
        String auditor = MINT.token("aud-al").role(Roles.AUDITOR).sign();
        await().atMost(WAIT).untilAsserted(() -> assertThat(uuids(jwt(auditor).get("/orgs/" + org + "/api/v1/logs")))
                .containsExactly(marker));
    }

    /** The record of an org-wide revocation of {@code payloadOrg}'s, keyed {@code subject}. */
    private static org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> revocation(String subject,
                                                                                             long sequence,
                                                                                             String payloadOrg,
                                                                                             String id) {
        return TestEvents.record(Topics.ACCESS, "support-access-service", subject, sequence, new SupportAccessRevoked(
                payloadOrg, "g-" + sequence, GrantScope.ORG, null, List.of(), ORIGIN, SUPER), Instant.now(), id);
    }

    @Test
    void replayingTheSameEventChangesNothing() {
        String replayed = IDS.get(0);
        TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, 1, new SupportAccessGranted(ORG, "g-1",
                GrantScope.ORG, null, List.of(CASE), T0.plus(Duration.ofHours(8)), ORIGIN, SUPER),
                T0.plus(Duration.ofMinutes(10)), replayed);
        String marker = UUID.randomUUID().toString();
        TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, 6, new SupportAccessRevoked(ORG, "g-9",
                GrantScope.ORG, null, List.of(), ORIGIN, SUPER), T0.plus(Duration.ofMinutes(55)), marker);
        await().atMost(WAIT).untilAsserted(() -> assertThat(uuids(ssws(SECRET).queryParam("filter",
                "uuid eq \"" + marker + "\"").get("/api/v1/logs"))).hasSize(1));
        assertThat(uuids(ssws(SECRET).queryParam("filter", "uuid eq \"" + replayed + "\"").get("/api/v1/logs")))
                .containsExactly(replayed);
    }

    /**
     * An event delivered again after its consumed_event rows are gone (a replay from the beginning once they were
     * cleaned, operations.md) shows once all the same: the System Log keeps one entry per uuid and the internal log
     * one per entry id, so the copy adds nothing, after a poller's position either, and stops no consumer.
     */
    @Test
    void anEventDeliveredAgainWithoutItsConsumedRowsShowsOnce() {
        String again = UUID.randomUUID().toString();
        SupportAccessRevoked revoked = new SupportAccessRevoked(ORG, "g-again", GrantScope.ORG, null, List.of(),
                ORIGIN, SUPER);
        TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, 7, revoked, T0.plus(Duration.ofMinutes(57)),
                again);
        await().atMost(WAIT).untilAsserted(() -> assertThat(uuids(ssws(SECRET).queryParam("filter",
                "uuid eq \"" + again + "\"").get("/api/v1/logs"))).hasSize(1));
        await().atMost(WAIT).until(() -> count("SELECT COUNT(*) FROM internal_log WHERE entry_id = ?", again) == 1);
        // a poller's position after everything recorded so far
        Response polled = ssws(SECRET).queryParam("limit", "1000").get("/api/v1/logs");
        while (!uuids(polled).isEmpty()) {
            polled = follow(next(polled));
        }
        String position = next(polled);

        // every consumer of the topic (the System Log's, the internal log's, the API tokens') has taken it
        long consumers = count("SELECT COUNT(*) FROM consumed_event WHERE event_id = ?", again);
        assertThat(jdbc.update("DELETE FROM consumed_event WHERE event_id = ?", again)).isEqualTo(consumers)
                .isGreaterThanOrEqualTo(2);
        TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, 7, revoked, T0.plus(Duration.ofMinutes(57)),
                again);
        String marker = UUID.randomUUID().toString();
        TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, 8, new SupportAccessRevoked(ORG, "g-after",
                GrantScope.ORG, null, List.of(), ORIGIN, SUPER), T0.plus(Duration.ofMinutes(58)), marker);
        await().atMost(WAIT).until(() -> count("SELECT COUNT(*) FROM internal_log WHERE entry_id = ?", marker) == 1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(uuids(follow(position))).containsExactly(marker));
        assertThat(count("SELECT COUNT(*) FROM system_log_event WHERE uuid = ?", again)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM internal_log WHERE entry_id = ?", again)).isEqualTo(1);
        // delivered again, it was taken (not left to stop a consumer): each holds it as consumed again
        assertThat(count("SELECT COUNT(*) FROM consumed_event WHERE event_id = ?", again)).isEqualTo(consumers);
    }

    private long count(String sql, String id) {
        return jdbc.queryOne(sql, row -> row.getLong(1), id).orElseThrow();
    }

    @Test
    void consentedAdminActionsAndTheirRefusalsHaveTheirSystemLogEntries() {
        String org = "org-actions-" + RUN;
        String secret = ApiTokens.newSecret();
        TestEvents.publish(Topics.ACCESS, "support-access-service", "00Tact" + RUN, 0, new ApiTokenCreated(org,
                "00Tact" + RUN, "SIEM", ApiTokens.hash(secret), Roles.ORG_SUPER_ADMIN, SUPER), T0,
                UUID.randomUUID().toString());
        TestEvents.publish(Topics.ORG_ADMIN, "org-admin-service", CASE, 1, new PasswordResetSent(org, CASE, "c-1",
                "00u1alice", "alice@x.example", TOM));
        TestEvents.publish(Topics.ORG_ADMIN, "org-admin-service", CASE, 2, new TemporaryPasswordSent(org, CASE,
                "c-1", "00u1alice", "alice@x.example", 2, TOM));
        TestEvents.publish(Topics.ORG_ADMIN, "org-admin-service", CASE, 3, new MfaFactorsReset(org, CASE, "c-1",
                "00u1alice", "alice@x.example", List.of("push"), TOM));
        TestEvents.publish(Topics.ORG_ADMIN, "org-admin-service", CASE, 4, new FeatureFlagChanged(org, CASE, "c-1",
                "ftrB", "Beta", false, false, TOM));
        TestEvents.publish(Topics.ORG_ADMIN, "org-admin-service", CASE, 5, new AdminActionRefused(org, CASE,
                ActionKind.RESET_MFA, "00u2bob", null, "no consent was given on case " + CASE, TOM, "bob@x.example"));
        TestEvents.publish(Topics.ORG_ADMIN, "org-admin-service", CASE, 6, new AdminActionRefused(org, CASE,
                ActionKind.FEATURE_FLAG, "ftrC", false, "no live consent covers FEATURE_FLAG for ftrC", TOM, null));
        // a flag refusal recorded before the event said which way was asked: read as enable, as it always was
        TestEvents.publish(Topics.ORG_ADMIN, "org-admin-service", CASE, 7, new AdminActionRefused(org, CASE,
                ActionKind.FEATURE_FLAG, "ftrD", null, "no live consent covers FEATURE_FLAG for ftrD", TOM, null));
        TestEvents.publish(Topics.ORG_ADMIN, "org-admin-service", CASE, 8, new ImpersonationWriteRefused(org, CASE,
                "s-9", "DELETE", "/admin-view/groups/00g1\",\"reason\":{}}", TOM));
        // a query without since reads in the order stored, and two topics are read by two consumers: the refusal on
        // org-admin-service's topic is stored before the next is sent, so that the order below is the order sent
        await().atMost(WAIT).untilAsserted(() -> assertThat(ssws(secret).queryParam("filter",
                "debugContext.debugData.case_number eq \"" + CASE + "\"").get("/api/v1/logs").then().statusCode(200)
                .extract().jsonPath().getList("eventType", String.class)).hasSize(8));
        // the same refused of the org's support access, by support-access-service (a moment later, on its topic)
        TestEvents.publish(Topics.ACCESS, "support-access-service", org, 9, new SessionWriteRefused(org, CASE, "s-9",
                "POST", "/api/v1/org/privacy/oktaSupport/extend", TOM), Instant.now().plusMillis(20),
                java.util.UUID.randomUUID().toString());
        await().atMost(WAIT).untilAsserted(() -> assertThat(ssws(secret).queryParam("filter",
                "debugContext.debugData.case_number eq \"" + CASE + "\"").get("/api/v1/logs").then().statusCode(200)
                .extract().jsonPath().getList("eventType", String.class)).containsExactly(
                "user.account.reset_password", "user.account.expire_password", "user.mfa.factor.reset_all",
                "system.feature.disable", "user.mfa.factor.reset_all", "system.feature.disable",
                "system.feature.enable", "support.org.update", "support.org.update"));
        ssws(secret).queryParam("filter", "outcome.result eq \"DENY\"").get("/api/v1/logs").then().statusCode(200)
                .body("outcome.reason", contains("NO_CONSENT", "NO_CONSENT", "NO_CONSENT", "READ_ONLY_IMPERSONATION",
                        "READ_ONLY_IMPERSONATION"))
                .body("[0].target[0].id", equalTo("00u2bob"))
                // named by login, as the user of an action taken is: a search by login finds the refusals too
                .body("[0].target[0].alternateId", equalTo("bob@x.example"))
                .body("[0].target[0].displayName", equalTo("bob@x.example"))
                .body("[1].target[0].id", equalTo("ftrC")).body("[1].target[0].type", equalTo("Feature"))
                .body("[4].target[0].id", equalTo("s-9"))
                .body("[4].debugContext.debugData.supportAction", containsString(
                        "\"type\":\"POST /api/v1/org/privacy/oktaSupport/extend\""))
                // a refusal has its event type's legacy type, as the action would have had
                .body("legacyEventType", contains("core.user.factor.reset_all", "core.feature.disable",
                        "core.feature.enable", null, null));
        // every key of the identity platform's LogEvent is there, null where there is no value (no request origin
        // here, no authentication details), as the platform's own answers have them
        io.restassured.path.json.JsonPath reset = ssws(secret).queryParam("filter",
                "eventType eq \"user.account.reset_password\"").get("/api/v1/logs").then().statusCode(200)
                .extract().jsonPath();
        assertThat(reset.getMap("[0]")).containsOnlyKeys("uuid", "published", "eventType", "version", "severity",
                "legacyEventType", "displayMessage", "actor", "client", "request", "outcome", "target",
                "transaction", "debugContext", "authenticationContext", "securityContext");
        assertThat(reset.getMap("[0].client")).containsOnlyKeys("userAgent", "zone", "device", "id", "ipAddress",
                "geographicalContext");
        assertThat(reset.getMap("[0].client").values()).containsOnlyNulls();
        assertThat(reset.getMap("[0].authenticationContext")).containsOnlyKeys("authenticationProvider",
                "credentialProvider", "credentialType", "issuer", "interface", "authenticationStep",
                "externalSessionId");
        assertThat(reset.getMap("[0].actor")).containsOnlyKeys("id", "type", "alternateId", "displayName",
                "detailEntry");
        assertThat(reset.getMap("[0].target[0]")).containsOnlyKeys("id", "type", "alternateId", "displayName",
                "detailEntry").containsEntry("detailEntry", null);
        assertThat(reset.getList("[0].request.ipChain")).isEmpty();
        // the path asked for is a value in supportAction, quotes and all: the JSON it is in stays whole
        String action = ssws(secret).queryParam("filter", "eventType eq \"support.org.update\"").get("/api/v1/logs")
                .then().extract().path("[0].debugContext.debugData.supportAction");
        assertThat(io.restassured.path.json.JsonPath.from(action).getString("type"))
                .isEqualTo("DELETE /admin-view/groups/00g1\",\"reason\":{}}");
        assertThat(io.restassured.path.json.JsonPath.from(action).getString("reason.detail")).isEqualTo("read-only");
        ssws(secret).queryParam("filter", "eventType eq \"user.account.expire_password\"").get("/api/v1/logs")
                .then().body("[0].debugContext.debugData.temp_password_set", equalTo("true"))
                .body("[0].debugContext.debugData.session_revocation", equalTo("false"))
                .body("[0].target[0].alternateId", equalTo("alice@x.example"));
    }

    // --- errors ----------------------------------------------------------------------------------------------

    @Test
    void badParametersAreRefusedWithTheIdentityPlatformsErrorCodes() {
        ssws(SECRET).queryParam("limit", 1001).get("/api/v1/logs").then().statusCode(400)
                .body("errorCode", equalTo("E0000001"))
                .header("X-Rate-Limit-Limit", org.hamcrest.Matchers.notNullValue())
                .header("X-Rate-Limit-Remaining", org.hamcrest.Matchers.notNullValue())
                .header("X-Rate-Limit-Reset", org.hamcrest.Matchers.notNullValue());
        ssws(SECRET).queryParam("since", Instant.now().minus(Duration.ofDays(181)).toString()).get("/api/v1/logs")
                .then().statusCode(400).body("errorCode", equalTo("E0000053"))
                .body("errorSummary", equalTo("Invalid parameter: The since parameter is over 180 days prior to"
                        + " the current day."));
        ssws(SECRET).queryParam("until", "yesterday").get("/api/v1/logs").then().statusCode(400)
                .body("errorCode", equalTo("E0000001"))
                .body("errorCauses[0].errorSummary", org.hamcrest.Matchers.containsString("ISO8601"));
        ssws(SECRET).queryParam("filter", "display_message eqq \"Create okta user\"").get("/api/v1/logs").then()
                .statusCode(400).body("errorCode", equalTo("E0000053"))
                .body("errorSummary", org.hamcrest.Matchers.containsString("Unrecognized attribute operator 'eqq'"));
        ssws(SECRET).queryParam("filter", "some_invalid_field eq \"x\"").get("/api/v1/logs").then().statusCode(400)
                .body("errorCode", equalTo("E0000053"));
        ssws(SECRET).queryParam("filter", "debugContext.debugData.url co \"x\"").get("/api/v1/logs").then()
                .statusCode(400).body("errorCode", equalTo("E0000031"));
        ssws(SECRET).queryParam("q", "x".repeat(41)).get("/api/v1/logs").then().statusCode(400)
                .body("errorCode", equalTo("E0000001"));
        ssws(SECRET).queryParam("sortOrder", "SIDEWAYS").get("/api/v1/logs").then().statusCode(400)
                .body("errorCode", equalTo("E0000001"));
        ssws(SECRET).queryParam("after", "not-a-cursor").get("/api/v1/logs").then().statusCode(400)
                .body("errorCode", equalTo("E0000001"));
        // a date past what a timestamp holds is a bad date, not a server error
        ssws(SECRET).queryParam("until", "+300000000-01-01T00:00:00Z").get("/api/v1/logs").then().statusCode(400)
                .body("errorCode", equalTo("E0000001"));
        ssws(SECRET).queryParam("since", "+300000000-01-01T00:00:00Z").get("/api/v1/logs").then().statusCode(400)
                .body("errorCode", equalTo("E0000001"));
        // an answer of a type the endpoint does not give: the caller's error, not a server error
        ssws(SECRET).accept("text/csv").get("/api/v1/logs").then().statusCode(406)
                .body("errorCode", equalTo("E0000001"));
    }

    // --- who reads which org ---------------------------------------------------------------------------------

    @Test
    void anOrgsTokenReadsOnlyThatOrg() {
        assertThat(uuids(ssws(OTHER_SECRET).get("/api/v1/logs"))).doesNotContainAnyElementsOf(IDS);
        ssws(OTHER_SECRET).get("/orgs/" + ORG + "/api/v1/logs").then().statusCode(403)
                .body("errorCode", equalTo("E0000006"));
        String otherAdmin = MINT.token("admin-x").role(Roles.ORG_ADMIN).org(OTHER_ORG).sign();
        jwt(otherAdmin).get("/orgs/" + ORG + "/api/v1/logs").then().statusCode(403);
        String ownAdmin = MINT.token("admin-ada").role(Roles.ORG_ADMIN).org(ORG).sign();
        assertThat(uuids(jwt(ownAdmin).queryParam("filter", "eventType sw \"user.session\"").get("/api/v1/logs")))
                .containsExactlyElementsOf(IDS);
        given().get("/api/v1/logs").then().statusCode(401).body("errorCode", equalTo("E0000011"));
    }

    @Test
    void auditorReadsAnyOrgAndSupportOnlyWhileHoldingAnOpenCaseThere() {
        String auditor = MINT.token("aud-al").role(Roles.AUDITOR).sign();
        assertThat(uuids(jwt(auditor).queryParam("filter", "eventType sw \"user.session\"")
                .get("/orgs/" + ORG + "/api/v1/logs"))).containsExactlyElementsOf(IDS);
        jwt(auditor).get("/api/v1/logs").then().statusCode(403).body("errorCode", equalTo("E0000006"));

        String tse = MINT.token("tse-tom").role(Roles.SUPPORT_ENGINEER).team("sso").sign();
        jwt(tse).get("/orgs/" + ORG + "/api/v1/logs").then().statusCode(403);
        Actor admin = new Actor("admin-ada", "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN);
        TestEvents.publish(Topics.CASE, "case-service", CASE, 0, new CaseOpened(CASE, ORG, "https://x.okta.com",
                "s", "d", ProductArea.SSO, Priority.P3, ContactPreference.EMAIL, "admin-ada", List.of(), "sso", null,
                admin));
        TestEvents.publish(Topics.CASE, "case-service", CASE, 2, new CaseAssigned(CASE, ORG, "tse-tom", null,
                CaseStatus.OPEN, new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT, Roles.TEAM_LEAD)));
        await().atMost(WAIT).untilAsserted(() -> jwt(tse).get("/orgs/" + ORG + "/api/v1/logs").then()
                .statusCode(200));
        String otherTse = MINT.token("tse-tia").role(Roles.SUPPORT_ENGINEER).team("sso").sign();
        jwt(otherTse).get("/orgs/" + ORG + "/api/v1/logs").then().statusCode(403);
        String lead = MINT.token("lead-lu").role(Roles.TEAM_LEAD).team("sso").sign();
        jwt(lead).get("/orgs/" + ORG + "/api/v1/logs").then().statusCode(200);

        TestEvents.publish(Topics.CASE, "case-service", CASE, 9, new CaseClosed(CASE, ORG, CloseReason.CONFIRMED,
                admin));
        await().atMost(WAIT).untilAsserted(() -> jwt(tse).get("/orgs/" + ORG + "/api/v1/logs").then()
                .statusCode(403));
    }

    /**
     * The index check: for auditors only, the org's entries checked page by page, nothing found while the index says
     * what the entries say; then each field where a row changed, went missing or was added behind the service's
     * back (which a filtered query shows: the entry is no longer found by its type), and nothing else.
     */
    @Test
    void theIndexCheckReportsExactlyWhereTheIndexDiffersFromTheEntries() {
        String org = "org-index-" + RUN;
        List<String> ids = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                UUID.randomUUID().toString());
        TestEvents.publish(Topics.ACCESS, "support-access-service", org, 0, new SupportAccessGranted(org, "g-1",
                GrantScope.ORG, null, List.of(CASE), T0.plus(Duration.ofHours(8)), ORIGIN, SUPER), T0, ids.get(0));
        TestEvents.publish(Topics.ACCESS, "support-access-service", org, 1, new SupportAccessExtended(org, "g-1",
                GrantScope.ORG, null, List.of(CASE), T0.plus(Duration.ofHours(32)), ORIGIN, SUPER),
                T0.plusSeconds(1), ids.get(1));
        TestEvents.publish(Topics.ACCESS, "support-access-service", org, 2, new SupportAccessRevoked(org, "g-1",
                GrantScope.ORG, null, List.of(CASE), ORIGIN, SUPER), T0.plusSeconds(2), ids.get(2));
        String auditor = MINT.token("aud-al").role(Roles.AUDITOR).sign();
        String path = "/orgs/" + org + "/system-log/index-check";
        await().atMost(WAIT).untilAsserted(() -> assertThat(uuids(jwt(auditor).get("/orgs/" + org + "/api/v1/logs")))
                .containsExactlyElementsOf(ids));

        for (String refused : List.of(MINT.token("admin-sam").role(Roles.ORG_SUPER_ADMIN).org(org).sign(),
                MINT.token("tse-tom").role(Roles.SUPPORT_ENGINEER).team("sso").sign(),
                MINT.token("eng-eve").role(Roles.ENGINEER).sign())) {
            jwt(refused).get(path).then().statusCode(403).contentType("application/problem+json");
        }
        jwt(auditor).queryParam("since", "yesterday").get(path).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("since"));
        jwt(auditor).queryParam("limit", 1001).get(path).then().statusCode(400)
                .contentType("application/problem+json");

        Response first = jwt(auditor).queryParam("limit", 2).get(path);
        first.then().statusCode(200).body("orgId", equalTo(org)).body("checked", equalTo(2))
                .body("mismatches", hasSize(0));
        String next = next(first);
        assertThat(next).isNotNull();
        given().urlEncodingEnabled(false).auth().oauth2(auditor).get(next).then().statusCode(200)
                .body("checked", equalTo(1)).body("mismatches", hasSize(0)).header("link", not(containsString("next")));

        QuarkusTransaction.requiringNew().run(() -> {
            assertThat(jdbc.update("UPDATE system_log_event SET event_type = 'user.session.start' WHERE uuid = ?",
                    ids.get(0))).isEqualTo(1);
            // a word of "Support access (org-wide)", without the punctuation around it
            assertThat(jdbc.update("DELETE FROM system_log_keyword WHERE seq = ? AND keyword = 'org-wide'",
                    seqOf(ids.get(0)))).isEqualTo(1);
            long second = seqOf(ids.get(1));
            assertThat(jdbc.update("DELETE FROM system_log_target WHERE seq = ? AND target_id = ?", second, CASE))
                    .isEqualTo(1);
            assertThat(jdbc.update("DELETE FROM system_log_keyword WHERE seq = ? AND keyword = 'sam'", second))
                    .isEqualTo(1);
            jdbc.update("INSERT INTO system_log_keyword (seq, org_id, keyword) VALUES (?, ?, 'forged')",
                    seqOf(ids.get(2)), org);
        });
        jwt(auditor).queryParam("filter", "eventType eq \"user.session.impersonation.grant\"")
                .get("/orgs/" + org + "/api/v1/logs").then().statusCode(200).body("$", hasSize(0));
        assertThat(uuids(jwt(auditor).queryParam("q", "org-wide").get("/orgs/" + org + "/api/v1/logs")))
                .containsExactly(ids.get(1), ids.get(2));
        List<Map<String, Object>> found = jwt(auditor).get(path).then().statusCode(200).body("checked", equalTo(3))
                .extract().jsonPath().getList("mismatches");
        assertThat(found).containsExactlyInAnyOrder(
                mismatch(ids.get(0), "eventType", "user.session.impersonation.grant", "user.session.start"),
                mismatch(ids.get(0), "keyword", "org-wide", null),
                mismatch(ids.get(1), "target.id", CASE, null),
                mismatch(ids.get(1), "keyword", "sam", null),
                mismatch(ids.get(2), "keyword", null, "forged"));

        // an entry stored before its words were indexed need not have them; its whole values and their parts it must
        long wordsFrom = jdbc.queryOne("SELECT from_seq FROM system_log_index_rules WHERE rules = 'words'",
                row -> row.getLong(1)).orElseThrow();
        QuarkusTransaction.requiringNew().run(() -> jdbc.update("UPDATE system_log_index_rules SET from_seq = ?"
                + " WHERE rules = 'words'", seqOf(ids.get(2))));
        try {
            assertThat(jwt(auditor).get(path).then().statusCode(200).extract().jsonPath()
                    .<Map<String, Object>>getList("mismatches")).containsExactlyInAnyOrder(
                    mismatch(ids.get(0), "eventType", "user.session.impersonation.grant", "user.session.start"),
                    mismatch(ids.get(1), "target.id", CASE, null),
                    mismatch(ids.get(1), "keyword", "sam", null),
                    mismatch(ids.get(2), "keyword", null, "forged"));
        } finally {
            QuarkusTransaction.requiringNew().run(() -> jdbc.update("UPDATE system_log_index_rules SET from_seq = ?"
                    + " WHERE rules = 'words'", wordsFrom));
        }
    }

    private long seqOf(String uuid) {
        return jdbc.queryOne("SELECT seq FROM system_log_event WHERE uuid = ?", row -> row.getLong(1), uuid)
                .orElseThrow();
    }

    private static Map<String, Object> mismatch(String uuid, String field, String expected, String stored) {
        Map<String, Object> mismatch = new java.util.HashMap<>();
        mismatch.put("uuid", uuid);
        mismatch.put("field", field);
        mismatch.put("expected", expected);
        mismatch.put("stored", stored);
        return mismatch;
    }

    /** NUL in a parameter is refused with the identity platform's error body, not failed in the database. */
    @Test
    void nulInAParameterIsRefusedWithTheOktaErrorBody() {
        ssws(SECRET).urlEncodingEnabled(false).get("/api/v1/logs?q=a%00b").then().statusCode(400)
                .body("errorCode", equalTo("E0000001")).body("errorCauses[0].errorSummary", org.hamcrest.Matchers.containsString("NUL"));
        ssws(SECRET).urlEncodingEnabled(false).get("/api/v1/logs?filter=eventType%20eq%20%22a%00%22").then()
                .statusCode(400).body("errorCode", equalTo("E0000001"));
    }

    /** The Date header in HTTP's own form, the day in two digits, as strict HTTP date parsers need it. */
    @Test
    void theDateHeaderIsInHttpsDateForm() {
        assertThat(SystemLogResource.HTTP_DATE.format(Instant.parse("1994-11-06T08:49:37Z")))
                .isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    }

    /** A lead holds no open case in an org through a case it opened there itself, on a customer's behalf. */
    @Test
    void aLeadDoesNotReadAnOrgsLogThroughACaseItOpenedOnTheCustomersBehalf() {
        String org = "org-phoned-" + RUN;
        String caseNumber = "8" + RUN.substring(Math.max(0, RUN.length() - 7));
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 0, new CaseOpened(caseNumber, org,
                "https://p.okta.com", "Phoned in", "d", ProductArea.SSO, Priority.P2, ContactPreference.PHONE,
                "admin-any", List.of(), "sso", null, new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT, Roles.TEAM_LEAD)));
        String lea = MINT.token("lead-lea").role(Roles.TEAM_LEAD).team("sso").sign();
        await().atMost(WAIT).untilAsserted(() -> jwt(lea).get("/orgs/" + org + "/api/v1/logs").then().statusCode(200));
        String lu = MINT.token("lead-lu").role(Roles.TEAM_LEAD).team("sso").sign();
        jwt(lu).get("/orgs/" + org + "/api/v1/logs").then().statusCode(403).body("errorCode", equalTo("E0000006"));
        // nor does a lead of another team, or of none, or a manager of another team
        for (String outsider : List.of(MINT.token("lead-leo").role(Roles.TEAM_LEAD).team("mfa").sign(),
                MINT.token("lead-nil").role(Roles.TEAM_LEAD).sign(),
                MINT.token("mgr-mo").role(Roles.SUPPORT_MANAGER).team("mfa").sign())) {
            jwt(outsider).get("/orgs/" + org + "/api/v1/logs").then().statusCode(403)
                    .body("errorCode", equalTo("E0000006"));
        }
    }

    @Test
    void tooManyRequestsAreRefusedWithRateLimitHeaders() throws InterruptedException {
        String busyOrg = "org-busy-" + RUN;
        String admin = MINT.token("admin-busy").role(Roles.ORG_ADMIN).org(busyOrg).sign();
        // the budget is per org and clock minute: begin early in a minute, so that every request falls in one
        Response response = jwt(admin).get("/api/v1/logs?limit=1");
        long secondsLeft = Long.parseLong(response.header("X-Rate-Limit-Reset")) - Instant.now().getEpochSecond();
        if (secondsLeft < 30) {
            Thread.sleep((secondsLeft + 1) * 1000);
            response = jwt(admin).get("/api/v1/logs?limit=1");
        }
        int limit = Integer.parseInt(response.header("X-Rate-Limit-Limit"));
        response.then().statusCode(200).header("X-Rate-Limit-Remaining", String.valueOf(limit - 1));
        for (int i = 0; i < limit; i++) {
            response = jwt(admin).get("/api/v1/logs?limit=1");
        }
        response.then().statusCode(429).body("errorCode", equalTo("E0000047"))
                .header("X-Rate-Limit-Limit", String.valueOf(limit)).header("X-Rate-Limit-Remaining", "0")
                .header("X-Rate-Limit-Reset", org.hamcrest.Matchers.notNullValue())
                // HTTP's date form, the day in two digits ("Sun, 06 Nov 1994 08:49:37 GMT")
                .header("Date", org.hamcrest.Matchers.matchesPattern(
                        "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"));
        long reset = Long.parseLong(response.header("X-Rate-Limit-Reset"));
        assertThat(reset).isGreaterThan(Instant.now().getEpochSecond() - 1);
        // the vendor's readers are not charged to the org: an auditor reads on, with a budget of its own
        jwt(MINT.token("aud-busy").role(Roles.AUDITOR).sign()).get("/orgs/" + busyOrg + "/api/v1/logs?limit=1")
                .then().statusCode(200).header("X-Rate-Limit-Remaining", String.valueOf(limit - 1));
    }
}
