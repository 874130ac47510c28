package io.casetrail.logs.systemlog.filter;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A parsed System Log {@code filter} expression, evaluated against a LogEvent's JSON. Attribute paths reach into
 * arrays: a predicate on {@code target.id} holds when any target's id satisfies it. {@code eq}, {@code ne} and the
 * ordering operators compare exactly (strings lexicographically, numbers numerically); {@code sw}, {@code co} and
 * {@code ew} ignore case; {@code pr} holds for a present, non-empty value.
 */
public sealed interface LogFilter {

    boolean matches(JsonNode event);

    /** Both sides hold. */
    record And(LogFilter left, LogFilter right) implements LogFilter {
        @Override
        public boolean matches(JsonNode event) {
            return left.matches(event) && right.matches(event);
        }
    }

    /** Either side holds. */
    record Or(LogFilter left, LogFilter right) implements LogFilter {
        @Override
        public boolean matches(JsonNode event) {
            return left.matches(event) || right.matches(event);
        }
    }

    /** The inner expression does not hold. */
    record Not(LogFilter inner) implements LogFilter {
        @Override
        public boolean matches(JsonNode event) {
            return !inner.matches(event);
        }
    }

    /** {@code attribute pr}. */
    record Present(String path) implements LogFilter {
        @Override
        public boolean matches(JsonNode event) {
            for (JsonNode value : values(event, path)) {
                if (!value.isNull() && !value.isMissingNode()
                        && !(value.isTextual() && value.asText().isEmpty())
                        && !(value.isContainerNode() && value.isEmpty())) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code attribute op value}. */
    record Compare(String path, Operator operator, JsonNode value) implements LogFilter {
        @Override
        public boolean matches(JsonNode event) {
            List<JsonNode> values = values(event, path);
            if (operator == Operator.NE) {
                return values.stream().noneMatch(v -> Operator.EQ.test(v, value));
            }
            return values.stream().anyMatch(v -> operator.test(v, value));
        }
    }

    /** The comparison operators. */
    enum Operator {
        EQ, NE, GT, GE, LT, LE, SW, CO, EW;

        boolean test(JsonNode actual, JsonNode expected) {
            if (actual == null || actual.isNull() || actual.isMissingNode() || actual.isContainerNode()) {
                return false;
            }
            return switch (this) {
                case EQ, NE -> compare(actual, expected) == 0;
                case GT -> compare(actual, expected) > 0;
                case GE -> compare(actual, expected) >= 0;
                case LT -> compare(actual, expected) < 0;
                case LE -> compare(actual, expected) <= 0;
                case SW -> actual.asText().toLowerCase().startsWith(expected.asText().toLowerCase());
                case CO -> actual.asText().toLowerCase().contains(expected.asText().toLowerCase());
                case EW -> actual.asText().toLowerCase().endsWith(expected.asText().toLowerCase());
            };
        }

        private static int compare(JsonNode actual, JsonNode expected) {
            if (actual.isNumber() && expected.isNumber()) {
                return Double.compare(actual.asDouble(), expected.asDouble());
            }
            if (actual.isBoolean() && expected.isBoolean()) {
                return Boolean.compare(actual.asBoolean(), expected.asBoolean());
            }
            return actual.asText().compareTo(expected.asText());
        }
    }

    /** Every value at a dotted path, arrays flattened at any level. */
    static List<JsonNode> values(JsonNode root, String path) {
        List<JsonNode> current = new ArrayList<>();
        current.add(root);
        for (String segment : path.split("\\.")) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                collect(node.path(segment), next);
            }
            current = next;
            if (current.isEmpty()) {
                break;
            }
        }
        return current;
    }

    private static void collect(JsonNode node, List<JsonNode> into) {
        if (node.isArray()) {
            node.forEach(element -> collect(element, into));
        } else if (!node.isMissingNode()) {
            into.add(node);
        }
    }
}
