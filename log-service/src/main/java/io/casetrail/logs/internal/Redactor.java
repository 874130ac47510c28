package io.casetrail.logs.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * What may be shown to a customer of an internal log entry. Removed: the values of secret-like fields (any key
 * containing one of the configured words, in any case, at any depth, also as URL parameters and {@code key=value}
 * text), bearer/SSWS credentials, JWTs and reset links in any text, e-mail addresses other than the viewer's, IP
 * addresses, host names under the configured internal domains, the configured one-name internal hosts (the
 * services' names), and the identifiers of any org but the viewer's.
 * Text that is itself JSON is redacted as JSON.
 */
public final class Redactor {

    public static final String REDACTED = "[redacted]";

    /** The configuration of the rules. */
    /**
     * {@code internalHosts}: one-name hosts removed wherever they stand (the services' own, distinctive names);
     * {@code internalPortHosts}: names that are also ordinary words (kafka, postgres), removed only as a host, a port
     * after them.
     */
    public record Rules(List<String> secretWords, List<String> internalDomains, List<String> internalHosts,
                        List<String> internalPortHosts, List<String> extraPatterns) {
    }

    /**
     * Who looks: their org, their own e-mail address if known, and the org ids to hide (every other known org),
     * built once for all the texts shown to this viewer. Ids that are one word ({@code [A-Za-z0-9_-]}, as org ids
     * are) are looked up word by word in a set, lower-cased: a text costs its length, however many orgs there are;
     * any other id is matched by a pattern of those ids (null: none such).
     */
    public record Viewer(String orgId, String email, Set<String> otherOrgWords, Pattern otherOrgNames) {

        public static Viewer of(String orgId, Set<String> otherOrgs, String email) {
            // matched in any case, so told apart from the viewer's own in any case
            List<String> others = otherOrgs.stream().filter(org -> org != null && !org.isBlank()
                    && !org.equalsIgnoreCase(orgId)).toList();
            Set<String> words = others.stream().filter(org -> WORD.matcher(org).matches())
                    .map(org -> org.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
            List<String> names = others.stream().filter(org -> !WORD.matcher(org).matches()).map(Pattern::quote)
                    .toList();
            return new Viewer(orgId, email, words, names.isEmpty() ? null : Pattern.compile(
                    "(?i)(?<![A-Za-z0-9_-])(?:" + String.join("|", names) + ")(?![A-Za-z0-9_-])"));
        }
    }

    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_-]+");

    private static final Pattern PERCENT_ESCAPE = Pattern.compile("%[0-9A-Fa-f]{2}");
    private static final Pattern JWT = Pattern.compile(
            "(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}+\\.[A-Za-z0-9_-]{5,}+\\.[A-Za-z0-9_-]*+");
    /**
     * A scheme and its credential, apart by white space or, in a query, by a + (a space form-encoded; then the
     * credential ends at the next +). A credential has the shape of one: a digit, a capital, =, / or + in it, so that
     * words after the scheme ("session management", "basic+authentication", "session established") stay as
     * written. No repeated group: a run of thousands of spaces must not recurse once per space.
     */
    private static final Pattern CREDENTIAL = Pattern.compile("(?i)\\b(bearer|ssws|basic|session)"
            + "(?:\\s++(?-i:(?=[a-z._~-]*+[A-Z0-9+/=]))[A-Za-z0-9._~+/=-]{8,}+"
            + "|\\+(?-i:(?=[a-z._~-]*+[A-Z0-9/=]))[A-Za-z0-9._~/=-]{8,}+)");
    /** A URL's user:password@, whatever its host (the scheme bounded, as a URL's is). */
    private static final Pattern URL_PASSWORD = Pattern.compile(
            "(?i)\\b([a-z][a-z0-9+.-]{0,31}://[^/\\s:@]{0,256}+:)[^@\\s/]{1,256}+@");
    private static final Pattern RESET_LINK = Pattern.compile("(?i)(/reset_password/|/activate/|/recovery/)[A-Za-z0-9._~-]+");
    // no repeated group in these two: a text of thousands of dotted labels must not recurse once per label
    // bounded as the names they stand for are: an unbounded run re-read from every position of a long text is
    // quadratic
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-][A-Za-z0-9.-]{0,253}\\.[A-Za-z]{2,63}");
    /** A URL whose host is one name with no dot: a service name (case-service, kafka, postgres) inside a network. */
    private static final Pattern BARE_HOST_URL = Pattern.compile(
            "(?i)\\b([a-z][a-z0-9+.-]{0,31}://)[a-z0-9_-]++(?=[:/?#\\s]|$)");
    private static final Pattern IPV4 = Pattern.compile("\\b(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}\\b");
    private static final Pattern IPV6 = Pattern.compile("(?i)(?<![0-9a-f:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}"
            + "|(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?|::(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})"
            + "(?![0-9a-f:])");

    private final Set<String> secretWords;
    private final Pattern secretKeyValue;
    private final Pattern secretQuoted;
    private final Pattern secretJsonText;
    private final Pattern internalHost;
    private final Pattern internalHostName;
    private final List<Pattern> extra = new ArrayList<>();

    public Redactor(Rules rules) {
        this.secretWords = Set.copyOf(rules.secretWords().stream().map(w -> w.toLowerCase(Locale.ROOT)).toList());
        String words = String.join("|", rules.secretWords().stream().map(Pattern::quote).toList());
        // a key's name around its secret word is bounded, and anchored where the name starts: a long run of letters
        // costs a pass per letter, not a pass per pair of them, and a value is tried once per key, not once per
        // letter before its word (user[password]= as nested parameters are named; =>, := as Ruby and Go write them)
        String key = "(?<![A-Za-z0-9_.\\[\\]-])[A-Za-z0-9_.\\[\\]-]{0,256}(?:" + words + ")[A-Za-z0-9_.\\[\\]-]{0,256}";
        String separator = "(\\s*+(?:=>|:=|[=:])\\s*+)";
        // a value runs to white space, a quote or a bracket: a comma or semicolon inside it (a=1,secret) is part
        // of it, as in a URL's parameter
        this.secretKeyValue = Pattern.compile("(?i)(" + key + ")" + separator
                + "(?!\\s*[\\[{\"'])([^\\s&\"'<>)}\\]]+)");
        // password='x', password = "x", {'password': 'x'}: a quoted value, whichever quote (an escaped quote inside
        // it); password: ["x"] or password={x}: a bracketed one, whole; one never closed runs to white space, & or
        // the end (a query's password='x&limit=20)
        this.secretQuoted = Pattern.compile("(?i)(" + key + "['\"]?)" + separator + "('[^']{0,4096}+'"
                + "|\"[^\"\\\\]{0,4096}+(?:\\\\.[^\"\\\\]{0,4096}+)*+\"|\\[[^\\]]{0,4096}+\\]|\\{[^}]{0,4096}+\\}"
                + "|['\"\\[{][^\\s&]{0,4096}+)");
        this.secretJsonText = Pattern.compile("(?i)(\"(?=[^\"]*(?:" + words + "))[^\"]*+\"\\s*+(?:=>|:)\\s*+)"
                + "(\"[^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+\"|\\[[^\\]]{0,4096}+\\]|\\{[^}]{0,4096}+\\}|[^,}\\]\\s]++)");
        String domains = String.join("|", rules.internalDomains().stream().map(Pattern::quote).toList());
        this.internalHost = Pattern.compile("(?i)\\b(?:localhost|[a-z0-9][a-z0-9.-]{0,253}\\.(?:" + domains + "))\\b");
        // one-name hosts inside the network (the services' own names) wherever they stand: case-service:8081, a
        // request log's "service"; a longer word that holds one (my-case-service-notes) is not one
        List<String> hosts = rules.internalHosts().stream().filter(h -> !h.isBlank()).map(Pattern::quote).toList();
        List<String> portHosts = rules.internalPortHosts().stream().filter(h -> !h.isBlank()).map(Pattern::quote)
                .toList();
        String anywhere = hosts.isEmpty() ? null : "(?:" + String.join("|", hosts)
                + ")(?![A-Za-z0-9_-]|\\.[A-Za-z0-9]|:/)"; // not a URL's scheme
        String beforePort = portHosts.isEmpty() ? null : "(?:" + String.join("|", portHosts) + ")(?=:[0-9])";
        String either = anywhere == null ? beforePort : beforePort == null ? anywhere : anywhere + "|" + beforePort;
        this.internalHostName = either == null ? null : Pattern.compile("(?i)(?<![A-Za-z0-9_.-])(?:" + either + ")");
        for (String pattern : rules.extraPatterns()) {
            extra.add(Pattern.compile(pattern));
        }
    }

    /** The entry's message, redacted for the viewer. */
    public String text(String text, Viewer viewer) {
        if (text == null) {
            return null;
        }
        String trimmed = text.trim();
        if ((trimmed.startsWith("{") && trimmed.endsWith("}")) || (trimmed.startsWith("[") && trimmed.endsWith("]"))) {
            try {
                JsonNode parsed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(trimmed);
                return json(parsed, viewer).toString();
            } catch (java.io.IOException notJson) {
                // plain text that looks like JSON: the text rules below apply
            }
        }
        // the rules see the text as it is, and then as a URL's query carries it (q=bob%40globex.example is an
        // address): decoded only after the first pass, an escape cannot hide part of a secret from it (%26 in a
        // token would otherwise end the value early, %22 make it look like JSON)
        String out = rules(text, viewer);
        String decoded = percentDecoded(out, CodingErrorAction.REPORT);
        if (!decoded.equals(out)) {
            out = rules(decoded, viewer);
        }
        // escapes that are no UTF-8 among them (Latin-1's %E9), also left after a round that decoded others:
        // read leniently, whatever the others hid is found; the text is shown so decoded only if something was
        // (otherwise "100%DEF" stays as written)
        String lenient = percentDecoded(out, CodingErrorAction.REPLACE);
        String redacted = lenient.equals(out) ? out : rules(lenient, viewer);
        return redacted.equals(lenient) ? out : redacted;
    }

    private String rules(String text, Viewer viewer) {
        String out = text;
        out = JWT.matcher(out).replaceAll(REDACTED);
        out = CREDENTIAL.matcher(out).replaceAll("$1 " + REDACTED);
        out = URL_PASSWORD.matcher(out).replaceAll("$1" + REDACTED + "@");
        out = RESET_LINK.matcher(out).replaceAll("$1" + REDACTED);
        out = secretJsonText.matcher(out).replaceAll("$1\"" + REDACTED + "\"");
        out = secretQuoted.matcher(out).replaceAll(quoted -> {
            String value = quoted.group(3);
            char open = value.charAt(0);
            char closer = open == '[' ? ']' : open == '{' ? '}' : open;
            String close = value.length() > 1 && value.charAt(value.length() - 1) == closer ? String.valueOf(closer)
                    : ""; // one never closed: nothing of it stays
            return Matcher.quoteReplacement(quoted.group(1) + quoted.group(2) + open + REDACTED + close);
        });
        out = secretKeyValue.matcher(out).replaceAll("$1$2" + REDACTED);
        out = emails(out, viewer);
        out = IPV4.matcher(out).replaceAll("[address]");
        out = IPV6.matcher(out).replaceAll("[address]");
        out = internalHost.matcher(out).replaceAll("[internal-host]");
        out = BARE_HOST_URL.matcher(out).replaceAll("$1[internal-host]");
        if (internalHostName != null) {
            out = internalHostName.matcher(out).replaceAll("[internal-host]");
        }
        for (Pattern pattern : extra) {
            out = pattern.matcher(out).replaceAll(REDACTED);
        }
        return otherOrgs(out, viewer);
    }

    /** A JSON document (attributes), redacted for the viewer: secret-like keys lose their values at any depth. */
    public JsonNode json(JsonNode node, Viewer viewer) {
        if (node == null || node.isNull()) {
            return node;
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String key = text(field.getKey(), viewer);
                boolean secret = secretKey(field.getKey())
                        || secretKey(percentDecoded(field.getKey(), CodingErrorAction.REPLACE)); // pass%77ord
                out.set(key, secret ? TextNode.valueOf(REDACTED) : json(field.getValue(), viewer));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> out.add(json(element, viewer)));
            return out;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(text(node.asText(), viewer));
        }
        return node;
    }

    private boolean secretKey(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String word : secretWords) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private static String emails(String text, Viewer viewer) {
        Matcher m = EMAIL.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String found = m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(viewer.email() != null
                    && viewer.email().equalsIgnoreCase(found) ? found : "[email]"));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String otherOrgs(String text, Viewer viewer) {
        String out = text;
        if (!viewer.otherOrgWords().isEmpty()) {
            Matcher word = WORD.matcher(out);
            StringBuilder replaced = new StringBuilder(out.length());
            while (word.find()) {
                if (viewer.otherOrgWords().contains(word.group().toLowerCase(Locale.ROOT))) {
                    word.appendReplacement(replaced, "[other-org]");
                }
            }
            word.appendTail(replaced);
            out = replaced.toString();
        }
        return viewer.otherOrgNames() == null ? out : viewer.otherOrgNames().matcher(out).replaceAll("[other-org]");
    }

    /**
     * The text with its percent-escapes decoded (as often as it was encoded, up to three times). {@code +} stays as
     * it is. Bytes that are no UTF-8: with {@link CodingErrorAction#REPORT} that round is not decoded
     * ({@code 100%DEF} stays), with {@link CodingErrorAction#REPLACE} they read as U+FFFD.
     */
    static String percentDecoded(String text, CodingErrorAction notUtf8) {
        String out = text;
        for (int round = 0; round < 3 && PERCENT_ESCAPE.matcher(out).find(); round++) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(out.length());
            for (int i = 0; i < out.length(); i++) {
                char c = out.charAt(i);
                if (c == '%' && i + 2 < out.length() && hex(out.charAt(i + 1)) >= 0 && hex(out.charAt(i + 2)) >= 0) {
                    bytes.write(hex(out.charAt(i + 1)) * 16 + hex(out.charAt(i + 2)));
                    i += 2;
                } else {
                    int end = Character.isHighSurrogate(c) && i + 1 < out.length() ? i + 2 : i + 1;
                    bytes.writeBytes(out.substring(i, end).getBytes(StandardCharsets.UTF_8));
                    i = end - 1;
                }
            }
            try {
                out = StandardCharsets.UTF_8.newDecoder().onMalformedInput(notUtf8).onUnmappableCharacter(notUtf8)
                        .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
            } catch (CharacterCodingException noUtf8) {
                return out;
            }
        }
        return out;
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
