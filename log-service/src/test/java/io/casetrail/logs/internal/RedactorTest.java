package io.casetrail.logs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Adversarial entries through the configured redaction rules: nothing secret, foreign or internal comes out. */
class RedactorTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Redactor.Viewer ACME = Redactor.Viewer.of("org-acme", Set.of("org-globex", "org-initech"),
            "ada@acme.example");
    static final String JWT_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0c2UtdG9tIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    static final String SECRET = "s3cr3tV4lue9";

    static Redactor configured() throws IOException {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            p.load(reader);
        }
        return new Redactor(new Redactor.Rules(List.of(p.getProperty("casetrail.redaction.secret-words").split(",")),
                List.of(p.getProperty("casetrail.redaction.internal-domains").split(",")),
                List.of(p.getProperty("casetrail.redaction.internal-hosts").split(",")),
                List.of(p.getProperty("casetrail.redaction.internal-port-hosts").split(",")), List.of()));
    }

    final Redactor redactor;

    RedactorTest() throws IOException {
        redactor = configured();
    }

    /** Each secret, and only the secret, gives way: what the entry says about the request stays readable. */
    static Stream<Arguments> secretsInText() {
        String r = "[redacted]";
        return Stream.of(
                Arguments.of("GET /orgs/org-acme/users?caseNumber=1&access_token=" + SECRET + "&q=x",
                        "GET /orgs/org-acme/users?caseNumber=1&access_token=" + r + "&q=x"),
                Arguments.of("GET /callback?code=1&ID_TOKEN=" + SECRET, "GET /callback?code=1&ID_TOKEN=" + r),
                Arguments.of("password=" + SECRET, "password=" + r),
                Arguments.of("Password: " + SECRET, "Password: " + r),
                Arguments.of("{\"user\":\"alice\",\"PassWord\":\"" + SECRET + "\"}",
                        "{\"user\":\"alice\",\"PassWord\":\"" + r + "\"}"),
                Arguments.of("failed with body {\"nested\":{\"clientSecret\":\"" + SECRET + "\"}} after retry",
                        "failed with body {\"nested\":{\"clientSecret\":\"" + r + "\"}} after retry"),
                Arguments.of("Authorization: Bearer " + SECRET + "xyz", "Authorization: " + r + " " + r),
                Arguments.of("header ssws " + SECRET + "abc", "header ssws " + r),
                Arguments.of("X-Api-Key=" + SECRET, "X-Api-Key=" + r),
                Arguments.of("sessionId:" + SECRET, "sessionId:" + r),
                Arguments.of("link https://acme.okta.com/reset_password/" + SECRET,
                        "link https://acme.okta.com/reset_password/" + r),
                Arguments.of("token " + JWT_TOKEN, "token " + r),
                Arguments.of("{\"a\":[{\"Refresh_Token\":\"" + SECRET + "\"}]}",
                        "{\"a\":[{\"Refresh_Token\":\"" + r + "\"}]}"),
                // a URL's query as a request log keeps it: percent-encoded, once or twice
                Arguments.of("caseNumber=1&q=bob.smith%40globex.example", "caseNumber=1&q=[email]"),
                Arguments.of("q=bob.smith%2540globex.example&x=a+b", "q=[email]&x=a+b"),
                Arguments.of("note=SSWS%20" + SECRET + "&org=org-globex", "note=SSWS " + r + "&org=[other-org]"),
                Arguments.of("q=%E2%9C%93%C3%A9%ZZ%4", "q=\u2713\u00e9%ZZ%4"),
                Arguments.of("at 100%DEF", "at 100%DEF"),
                // an escape inside a secret hides none of it
                Arguments.of("access_token=abc%26" + SECRET + "&q=1", "access_token=" + r + "&q=1"),
                Arguments.of("password=%22" + SECRET + "%22", "password=" + r),
                Arguments.of("client_secret=s3cr%20" + SECRET + "%3Bmore", "client_secret=" + r),
                // quoted values, whichever quote, however spaced
                Arguments.of("password='" + SECRET + "'", "password='" + r + "'"),
                Arguments.of("password = \"" + SECRET + "\"", "password = \"" + r + "\""),
                Arguments.of("password: \"" + SECRET + "\" then", "password: \"" + r + "\" then"),
                Arguments.of("{'password': '" + SECRET + "'}", "{'password': '" + r + "'}"),
                Arguments.of("?q=x&password='" + SECRET + "'", "?q=x&password='" + r + "'"),
                Arguments.of("%70assword%3D%27" + SECRET + "%27", "password='" + r + "'"),
                // one escape that is no UTF-8 leaves the others decoded, and what they hid found
                Arguments.of("q=bob%40globex.example&t=SSWS%20" + SECRET + "&n=Jos%E9",
                        "q=[email]&t=SSWS " + r + "&n=Jos\uFFFD"),
                // ...also left after a round that decoded others (double-encoded, with a double-encoded %E9)
                Arguments.of("q=bob.smith%2540globex.example&n=Jos%25E9", "q=[email]&n=Jos\uFFFD"),
                // nested parameter names, a space form-encoded as +, separators of other languages, a value with a
                // comma or semicolon in it, bracketed values
                Arguments.of("q=1&user[password]=" + SECRET, "q=1&user[password]=" + r),
                Arguments.of("user%5Bpassword%5D=" + SECRET, "user[password]=" + r),
                Arguments.of("password[]=" + SECRET, "password[]=" + r),
                Arguments.of("GET /orgs/org-acme/users?q=SSWS+" + SECRET + "&limit=20",
                        "GET /orgs/org-acme/users?q=SSWS " + r + "&limit=20"),
                Arguments.of("password => " + SECRET, "password => " + r),
                Arguments.of("password := " + SECRET, "password := " + r),
                Arguments.of("{\"password\"=>\"" + SECRET + "\"}", "{\"password\"=>\"" + r + "\"}"),
                Arguments.of("access_token=abc," + SECRET, "access_token=" + r),
                Arguments.of("password=abc;" + SECRET, "password=" + r),
                Arguments.of("password: [\"" + SECRET + "\"]", "password: [" + r + "]"),
                Arguments.of("password={" + SECRET + "}", "password={" + r + "}"),
                Arguments.of("error {\"secrets\": [\"a\",\"" + SECRET + "\"]} retry",
                        "error {\"secrets\": \"" + r + "\"} retry"),
                // a URL's user:password, whatever its host
                Arguments.of("http://admin:" + SECRET + "@10.0.3.17:8080/",
                        "http://[internal-host]:" + r + "@[address]:8080/"),
                // a service's name inside the network, in a URL
                Arguments.of("upstream http://case-service:8080/cases failed", "upstream http://[internal-host]:8080/cases"
                        + " failed"),
                Arguments.of("jdbc:postgresql://postgres:5432/casetrail_case", "jdbc:postgresql://[internal-host]:5432"
                        + "/casetrail_case"),
                // and by its name alone, any case, where no URL says it is a host
                Arguments.of("connect to case-service:8081 refused", "connect to [internal-host]:8081 refused"),
                Arguments.of("{\"service\":\"Org-Admin-Service\"}", "{\"service\":\"[internal-host]\"}"),
                Arguments.of("my-case-service-notes, log-service.md, kafka.apache.org",
                        "my-case-service-notes, log-service.md, kafka.apache.org"),
                // names that are also words, only as hosts
                Arguments.of("brokers kafka:9092, POSTGRES:5432", "brokers [internal-host]:9092, [internal-host]:5432"),
                Arguments.of("group Postgres Admins, app Kafka UI, Franz Kafka: author",
                        "group Postgres Admins, app Kafka UI, Franz Kafka: author"));
    }

    @ParameterizedTest
    @MethodSource("secretsInText")
    void secretsInTextNeverSurvive(String text, String redacted) {
        assertThat(redactor.text(text, ACME)).isEqualTo(redacted);
    }

    @Test
    void secretKeysLoseTheirValuesAtAnyDepthWhateverTheirCase() throws IOException {
        JsonNode in = JSON.readTree("""
                {"data":{"TOKEN":"abc%s","user":{"API_KEY":"%s","name":"Alice"},
                 "list":[{"Cookie":"%s"},{"note":"Bearer %s"}],
                 "url":"https://idp.acme.example/cb?state=1&client_secret=%s"}}""".formatted(SECRET, SECRET, SECRET,
                SECRET, SECRET));
        String out = redactor.json(in, ACME).toString();
        assertThat(out).doesNotContain(SECRET).contains("\"name\":\"Alice\"");
    }

    @Test
    void otherPeoplesAddressesGoTheViewersStays() {
        String out = redactor.text("reset sent to alice@acme.example, cc ADA@acme.example and bob.smith+x@globex.co.uk",
                ACME);
        assertThat(out).doesNotContain("alice@").doesNotContain("bob.smith").contains("ADA@acme.example");
    }

    @Test
    void internalHostsAndAddressesGo() {
        String out = redactor.text("upstream db-1.prod.internal (10.0.3.17) via LOCALHOST:8084, fe80::1ff:fe23:4567:890a"
                + " and 2001:db8:85a3:0:0:8a2e:370:7334 at 2026-11-28T10:00:00Z, api.svc.cluster.local", ACME);
        assertThat(out).doesNotContain("db-1").doesNotContain("10.0.3.17").doesNotContain("LOCALHOST")
                .doesNotContain("fe80").doesNotContain("2001:db8").doesNotContain("api.svc")
                .contains("2026-11-28T10:00:00Z");
    }

    @Test
    void otherOrgsIdentifiersGoTheViewersStays() throws IOException {
        String out = redactor.text("compared org-acme with ORG-GLOBEX and org-initech; org-acme-2 untouched", ACME);
        assertThat(out).doesNotContainIgnoringCase("org-globex").doesNotContain("org-initech")
                .contains("org-acme ").contains("org-acme-2");
        JsonNode json = redactor.json(JSON.readTree("{\"org-globex\":{\"orgId\":\"org-globex\"}}"), ACME);
        assertThat(json.toString()).doesNotContain("globex");
        // the viewer's own org, known in another case too, is the viewer's in any case
        Redactor.Viewer upper = Redactor.Viewer.of("org-acme", Set.of("ORG-ACME", "org-globex"), null);
        assertThat(redactor.text("POST /orgs/org-acme/users and Org-Acme's", upper))
                .isEqualTo("POST /orgs/org-acme/users and Org-Acme's");
    }

    /** A search support made is no credential: only a token after Bearer/SSWS/Basic/Session goes. */
    @Test
    void aSearchThatStartsLikeASchemeStaysAsWritten() {
        for (String text : List.of("GET /orgs/org-acme/applications?q=session+management+app&limit=20",
                "GET /orgs/org-acme/applications?q=basic%20authentication&limit=20",
                "Support session established for Tom", "Basic authentication rejected for app 0oa1")) {
            assertThat(redactor.text(text, ACME)).isEqualTo(text.replace("%20", " "));
        }
        // a credential form-encoded is one, whatever follows it
        assertThat(redactor.text("GET /orgs/org-acme/users?q=SSWS+00aBcDeFgHiJkL0123456789ab+rejected", ACME))
                .isEqualTo("GET /orgs/org-acme/users?q=SSWS [redacted]+rejected");
    }

    /** A quoted or bracketed value never closed, or with an escaped quote in it, goes whole. */
    @Test
    void valuesNeverClosedOrWithEscapedQuotesGoWhole() {
        assertThat(redactor.text("GET /orgs/org-acme/users?password='" + SECRET + "&limit=20", ACME))
                .isEqualTo("GET /orgs/org-acme/users?password='[redacted]&limit=20");
        for (String text : List.of("token=[" + SECRET + "&limit=20", "password=\"" + SECRET, "password={" + SECRET,
                "password: \"abc\\\"" + SECRET + "\"",
                "spring.security.oauth2.client.registration.acme-okta-production-tenant.client-secret=" + SECRET)) {
            assertThat(redactor.text(text, ACME)).as(text).doesNotContain(SECRET);
        }
    }

    /**
     * Texts made to be expensive (a scheme and thousands of spaces, an unclosed bracket after key after key, a long
     * quoted value full of escapes) are redacted, neither a stack overflow (the page answered 500) nor minutes.
     */
    @Test
    void textsMadeToBeExpensiveAreRedacted() throws IOException {
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> {
            assertThat(redactor.text("Basic" + " ".repeat(20_000) + SECRET, ACME)).doesNotContain(SECRET);
            assertThat(redactor.text("SSWS" + "+".repeat(20_000) + SECRET, ACME)).endsWith(SECRET);
            assertThat(redactor.json(JSON.readTree("{\"origin\":{\"userAgent\":\"Bearer" + " ".repeat(20_000)
                    + SECRET + "\"}}"), ACME).toString()).doesNotContain(SECRET);
            assertThat(redactor.text(("token=[" + "a".repeat(57)).repeat(350), ACME)).startsWith("token=");
            assertThat(redactor.text("a.".repeat(10_000), ACME)).startsWith("a.a.");
            assertThat(redactor.text("password:" + " ".repeat(19_991), ACME)).startsWith("password:");
            assertThat(redactor.text("eyJ".repeat(6_666), ACME)).startsWith("eyJ");
            assertThat(redactor.text("\"" + "otp".repeat(6_666), ACME)).startsWith("\"otp");
            assertThat(redactor.text("{x \"password\": \"" + "\\\"a".repeat(10_000) + "\" y}", ACME))
                    .doesNotContain("\\\"a\\\"a");
        });
    }

    /** A JSON key that names a secret only once decoded (pass%77ord) loses its value too. */
    @Test
    void anEncodedSecretKeyLosesItsValue() throws IOException {
        assertThat(redactor.json(JSON.readTree("{\"pass%77ord\":\"" + SECRET + "\"}"), ACME).toString())
                .doesNotContain(SECRET);
        assertThat(redactor.text("jdbc:postgresql://casetrail:" + SECRET + "@postgres:5432/casetrail_case", ACME))
                .doesNotContain(SECRET).doesNotContain("postgres:");
    }

    /**
     * Every org Casetrail knows is hidden from a viewer of another, looked up word by word: fifty thousand of them
     * cost a text its length, not a pass per org; an id that is not one word is still found.
     */
    @Test
    void manyOtherOrgsAreFoundWordByWord() {
        Set<String> others = new java.util.HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            others.add("org-" + i);
        }
        others.add("Globex Corp.");
        Redactor.Viewer viewer = Redactor.Viewer.of("org-acme", others, null);
        assertThat(viewer.otherOrgNames()).isNotNull();
        assertThat(viewer.otherOrgWords()).hasSize(50_000);
        String page = "GET /orgs/org-acme/users?q=ORG-49999 org-7,org-acme-2 for globex corp. support ".repeat(1_000);
        String out = redactor.text(page, viewer);
        assertThat(out).doesNotContainIgnoringCase("org-49999").doesNotContain("org-7,")
                .doesNotContainIgnoringCase("globex corp.").contains("/orgs/org-acme/").contains("org-acme-2");
    }

    /** Texts of thousands of dotted labels are redacted, not a stack overflow (which answered the page 500). */
    @Test
    void longDottedTextsAreRedacted() {
        String labels = "GET /orgs/org-acme/users/" + "a.".repeat(5_000) + "x.internal";
        assertThat(redactor.text(labels, ACME)).startsWith("GET /orgs/org-acme/users/").endsWith("[internal-host]");
        assertThat(redactor.text("a".repeat(5_000) + " password=" + SECRET, ACME)).endsWith("password=[redacted]");
        assertThat(redactor.text("mail x@" + "b.".repeat(100) + "com", ACME)).isEqualTo("mail [email]");
    }

    @Test
    void plainWordsStay() {
        String text = "io.casetrail.access.session-started.v1 on org-acme by Tom: granted for 8 hours";
        assertThat(redactor.text(text, ACME)).isEqualTo(text);
    }
}
