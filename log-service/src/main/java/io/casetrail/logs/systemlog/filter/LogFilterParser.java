package io.casetrail.logs.systemlog.filter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.casetrail.platform.errors.OktaApiException;

/**
 * Parses the System Log's filter language: {@code attribute op "value"} predicates ({@code eq ne gt ge lt le sw co
 * ew}, and {@code pr} without a value), combined with {@code and}, {@code or}, {@code not} and parentheses;
 * precedence: predicates, then parentheses, then {@code not}, then {@code and}, then {@code or}. Operators and
 * keywords ignore case; attribute names do not. Values are JSON strings, numbers or {@code true}/{@code false}.
 *
 * <p>Refusals carry the identity platform's error codes: {@code E0000053} for an invalid expression, an unknown
 * attribute or {@code published} (use {@code since}/{@code until}), {@code E0000031} for {@code co} on the debug
 * URL attributes.
 */
public final class LogFilterParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Attributes that may be filtered on, beyond the free-form maps in {@link #OPEN_PREFIXES}. */
    static final Set<String> ATTRIBUTES = Set.of("uuid", "eventType", "version", "severity", "legacyEventType",
            "displayMessage", "actor.id", "actor.type", "actor.alternateId", "actor.displayName", "client.id",
            "client.ipAddress", "client.device", "client.zone", "client.userAgent.rawUserAgent", "client.userAgent.os",
            "client.userAgent.browser", "client.geographicalContext.city", "client.geographicalContext.state",
            "client.geographicalContext.country", "client.geographicalContext.postalCode",
            "client.geographicalContext.geolocation.lat", "client.geographicalContext.geolocation.lon",
            "request.ipChain.ip", "request.ipChain.version", "request.ipChain.source", "outcome.result",
            "outcome.reason", "target.id", "target.type", "target.alternateId", "target.displayName",
            "transaction.id", "transaction.type", "authenticationContext.authenticationProvider",
            "authenticationContext.credentialProvider", "authenticationContext.credentialType",
            "authenticationContext.authenticationStep", "authenticationContext.externalSessionId",
            "authenticationContext.interface", "authenticationContext.rootSessionId",
            "authenticationContext.issuer.id", "authenticationContext.issuer.type", "securityContext.asNumber",
            "securityContext.asOrg", "securityContext.isp", "securityContext.domain", "securityContext.isProxy",
            // the schema's newer fields: Casetrail's entries hold none of them, but rule packs filter on them
            "request.ipChain.ipDetails.asNumber", "request.ipChain.ipDetails.asOrg",
            "request.ipChain.ipDetails.domain", "request.ipChain.ipDetails.isp",
            "request.ipChain.ipDetails.ipServiceCategories.isAnonymous",
            "request.ipChain.ipDetails.ipServiceCategories.operator",
            "request.ipChain.ipDetails.ipServiceCategories.type", "securityContext.ipDetails.asNumber",
            "securityContext.ipDetails.asOrg", "securityContext.ipDetails.domain", "securityContext.ipDetails.isp",
            "securityContext.ipDetails.ipServiceCategories.isAnonymous",
            "securityContext.ipDetails.ipServiceCategories.operator",
            "securityContext.ipDetails.ipServiceCategories.type", "securityContext.risk.level",
            "securityContext.risk.previousLevel", "securityContext.risk.reasons", "securityContext.risk.detectionName",
            "securityContext.risk.issuer", "securityContext.botProtection.level", "securityContext.userBehaviors.id",
            "securityContext.userBehaviors.name", "securityContext.userBehaviors.result");

    /** Free-form maps: any key below them may be filtered on. */
    static final List<String> OPEN_PREFIXES = List.of("actor.detailEntry.", "target.detailEntry.",
            "transaction.detail.", "debugContext.debugData.", "request.ipChain.geographicalContext.");

    /**
     * The objects and arrays holding those attributes ({@code target}, {@code client.geographicalContext},
     * {@code debugContext.debugData}, ...): {@code pr} asks whether one holds anything; nothing compares with one.
     */
    static final Set<String> NODES = nodes();

    /** snake_case names the identity platform also accepts. */
    static final Map<String, String> ALIASES = Map.of("event_type", "eventType", "display_message", "displayMessage",
            "legacy_event_type", "legacyEventType");

    private static final String EXPECTED_OPERATORS = "eq,ne,co,sw,ew,pr,gt,ge,lt,le";

    /**
     * How deep parentheses and {@code not} may nest: far more than any real filter, and far less than would exhaust
     * the parser's stack (a few thousand open parentheses fit in a request line).
     */
    static final int MAX_DEPTH = 64;

    private final String text;
    private int position;
    private int depth;

    private LogFilterParser(String text) {
        this.text = text;
    }

    /** Parses a filter, or refuses it with the identity platform's error body. */
    public static LogFilter parse(String filter) {
        LogFilterParser parser = new LogFilterParser(filter);
        parser.skipSpaces();
        if (parser.atEnd()) {
            throw parser.invalid("the filter is empty");
        }
        LogFilter result = parser.orExpression();
        parser.skipSpaces();
        if (!parser.atEnd()) {
            throw parser.invalid("unexpected '" + parser.rest() + "' at position " + parser.position);
        }
        return result;
    }

    private LogFilter orExpression() {
        LogFilter left = andExpression();
        while (keyword("or")) {
            left = new LogFilter.Or(left, andExpression());
        }
        return left;
    }

    private LogFilter andExpression() {
        LogFilter left = notExpression();
        while (keyword("and")) {
            left = new LogFilter.And(left, notExpression());
        }
        return left;
    }

    private LogFilter notExpression() {
        if (keyword("not")) {
            deeper();
            LogFilter negated = new LogFilter.Not(notExpression());
            depth--;
            return negated;
        }
        return primary();
    }

    private void deeper() {
        if (++depth > MAX_DEPTH) {
            throw invalid("parentheses and 'not' nest more than " + MAX_DEPTH + " deep at position " + position);
        }
    }

    private LogFilter primary() {
        skipSpaces();
        if (atEnd()) {
            throw invalid("an expression is missing at position " + position);
        }
        if (text.charAt(position) == '(') {
            int open = position++;
            deeper();
            LogFilter inner = orExpression();
            depth--;
            skipSpaces();
            if (atEnd() || text.charAt(position) != ')') {
                throw invalid("the parenthesis at position " + open + " is not closed");
            }
            position++;
            return inner;
        }
        return predicate();
    }

    private LogFilter predicate() {
        int attributeAt = position;
        String attribute = word();
        if (attribute.isEmpty()) {
            throw invalid("an attribute is expected at position " + attributeAt + ", not '" + rest() + "'");
        }
        String path = ALIASES.getOrDefault(attribute, attribute);
        skipSpaces();
        int operatorAt = position;
        String operatorWord = word();
        if (operatorWord.isEmpty()) {
            throw invalid("an operator is expected after '" + attribute + "' at position " + operatorAt);
        }
        String operatorName = operatorWord.toLowerCase();
        if ("pr".equals(operatorName)) {
            if (!NODES.contains(path)) {
                validateAttribute(path);
            }
            return new LogFilter.Present(path);
        }
        validateAttribute(path);
        LogFilter.Operator operator;
        try {
            operator = LogFilter.Operator.valueOf(operatorName.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new OktaApiException(400, "E0000053", "Invalid filter '" + text + "': Unrecognized attribute"
                    + " operator '" + operatorWord + "' at position " + operatorAt + ". Expected: "
                    + EXPECTED_OPERATORS, List.of("filter: unrecognized operator '" + operatorWord + "'"));
        }
        if (operator == LogFilter.Operator.CO && (path.equals("debugContext.debugData.url")
                || path.equals("debugContext.debugData.requestUri"))) {
            throw new OktaApiException(400, "E0000031", "The supplied combination of operator and field is not"
                    + " currently supported. Operator: co, Field: " + path, List.of());
        }
        JsonNode value = value();
        return new LogFilter.Compare(path, operator, value);
    }

    private static Set<String> nodes() {
        Set<String> nodes = new HashSet<>();
        List<String> paths = new ArrayList<>(ATTRIBUTES);
        paths.addAll(OPEN_PREFIXES);
        for (String path : paths) {
            for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
                nodes.add(path.substring(0, dot));
            }
        }
        return Set.copyOf(nodes);
    }

    private void validateAttribute(String path) {
        if (path.equals("published")) {
            throw new OktaApiException(400, "E0000053", "Invalid filter '" + text + "': published cannot be"
                    + " filtered; use the since and until parameters", List.of("filter: published"));
        }
        if (ATTRIBUTES.contains(path)) {
            return;
        }
        for (String prefix : OPEN_PREFIXES) {
            if (path.startsWith(prefix) && path.length() > prefix.length()) {
                return;
            }
        }
        throw new OktaApiException(400, "E0000053", "Invalid filter '" + text + "': field is not valid: " + path,
                List.of("filter: field is not valid: " + path));
    }

    private JsonNode value() {
        skipSpaces();
        if (atEnd()) {
            throw invalid("a value is missing at position " + position);
        }
        char c = text.charAt(position);
        if (c == '"') {
            int start = position++;
            boolean escaped = false;
            while (!atEnd()) {
                char d = text.charAt(position++);
                if (escaped) {
                    escaped = false;
                } else if (d == '\\') {
                    escaped = true;
                } else if (d == '"') {
                    JsonNode string;
                    try {
                        string = JSON.readTree(text.substring(start, position));
                    } catch (Exception e) {
                        throw invalid("the string at position " + start + " is not a valid JSON string");
                    }
                    if (string.textValue().indexOf('\u0000') >= 0) {
                        // no entry holds one, and the database takes none in a query
                        throw invalid("the string at position " + start + " holds a NUL character");
                    }
                    return string;
                }
            }
            throw invalid("the string at position " + start + " is not closed");
        }
        int start = position;
        String literal = word();
        if ("true".equalsIgnoreCase(literal) || "false".equalsIgnoreCase(literal)) {
            return BooleanNode.valueOf(Boolean.parseBoolean(literal.toLowerCase()));
        }
        try {
            if (literal.matches("-?\\d+")) {
                return JsonNodeFactory.instance.numberNode(Long.parseLong(literal));
            }
            if (literal.matches("-?\\d+\\.\\d+")) {
                return JsonNodeFactory.instance.numberNode(Double.parseDouble(literal));
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal
        }
        throw invalid("a value (a quoted string, a number, true or false) is expected at position " + start);
    }

    /** Consumes a case-insensitive keyword ({@code and}, {@code or}, {@code not}) standing alone. */
    private boolean keyword(String keyword) {
        skipSpaces();
        int end = position + keyword.length();
        if (end <= text.length() && text.regionMatches(true, position, keyword, 0, keyword.length())
                && (end == text.length() || !isWordChar(text.charAt(end)) && text.charAt(end) != '"')) {
            if ("not".equals(keyword) || end == text.length() || Character.isWhitespace(text.charAt(end))
                    || text.charAt(end) == '(') {
                position = end;
                return true;
            }
        }
        return false;
    }

    private String word() {
        skipSpaces();
        int start = position;
        while (!atEnd() && isWordChar(text.charAt(position))) {
            position++;
        }
        return text.substring(start, position);
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-';
    }

    private void skipSpaces() {
        while (!atEnd() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private boolean atEnd() {
        return position >= text.length();
    }

    private String rest() {
        return text.substring(Math.min(position, text.length()));
    }

    private OktaApiException invalid(String reason) {
        return new OktaApiException(400, "E0000053", "Invalid filter '" + text + "': " + reason,
                List.of("filter: " + reason));
    }
}
