package io.casetrail.platform.kafka;

import java.nio.charset.StandardCharsets;

/**
 * The fields of a JSON object, walked over its bytes without a parser: the relay reads three short strings out of
 * every event it publishes, and a parser that tokenises every name and skips every value through its own state
 * machine cost it a fifth of its thread.
 *
 * <p>The walk accepts only what is plainly valid JSON and gives up on anything else, leaving the caller to parse with
 * Jackson (which then reads the same value or reports the error): structure, strings (control characters, escapes),
 * numbers and literals are checked as JSON's grammar has them; a key with an escape, nesting deeper than
 * {@value #MAX_DEPTH}, text that is not well-formed UTF-8, and tokens longer than the parser's default limits
 * allow (with room to spare: {@value #MAX_NUMBER} characters of a number, {@value #MAX_NAME} bytes of a name,
 * {@value #MAX_TEXT} bytes of a wanted value) make it give up too, as does a visitor that declines a value. Like the
 * parser as the relay used it, it reads the first object and ignores what follows it, and a repeated name is visited
 * each time.
 */
final class JsonObjectFields {

    static final int MAX_DEPTH = 64;
    static final int MAX_NUMBER = 500;
    static final int MAX_NAME = 10_000;
    static final int MAX_TEXT = 1_000_000;

    /** What a visitor answers for a value it will not take (see {@link #plainString}). */
    static final String NOT_PLAIN = new String("not a plain string");

    private static final byte[] TRUE = name("true");
    private static final byte[] FALSE = name("false");
    private static final byte[] NULL = name("null");

    private JsonObjectFields() {
    }

    /** Called for each field; {@code false} gives the walk up. */
    interface Visitor {
        boolean field(byte[] json, int keyStart, int keyEnd, int valueStart, int valueEnd);
    }

    /**
     * Walks the object that starts (after white space) at {@code from}, handing each field's key (between its quotes)
     * and value (from its first byte to just after its last) to the visitor. False when it gave up.
     */
    static boolean walk(byte[] json, int from, int to, Visitor visitor) {
        int i = space(json, from, to);
        return i < to && json[i] == '{' && object(json, i, to, 1, visitor) >= 0;
    }

    /** Whether the key between {@code keyStart} and {@code keyEnd} is {@code name} (ASCII bytes). */
    static boolean keyIs(byte[] json, int keyStart, int keyEnd, byte[] name) {
        if (keyEnd - keyStart != name.length) {
            return false;
        }
        for (int k = 0; k < name.length; k++) {
            if (json[keyStart + k] != name[k]) {
                return false;
            }
        }
        return true;
    }

    /** ASCII bytes of a field name, for {@link #keyIs}. */
    static byte[] name(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A value as text: a string of printable ASCII without escapes, or null for {@code null}; {@link #NOT_PLAIN} for
     * anything else (another type, an escape, a byte outside ASCII), which the caller leaves to the parser.
     */
    static String plainString(byte[] json, int start, int end) {
        if (json[start] == 'n') {
            return null;
        }
        if (json[start] != '"' || end - start > MAX_TEXT) {
            return NOT_PLAIN;
        }
        for (int k = start + 1; k < end - 1; k++) {
            byte b = json[k];
            if (b == '\\' || b < 0x20) { // negative: a byte outside ASCII
                return NOT_PLAIN;
            }
        }
        return new String(json, start + 1, end - start - 2, StandardCharsets.ISO_8859_1);
    }

    /** The index just after the value that starts at {@code i}, or -1. */
    private static int value(byte[] json, int i, int to, int depth) {
        if (i >= to) {
            return -1;
        }
        return switch (json[i]) {
            case '"' -> string(json, i, to, true);
            case '{' -> depth >= MAX_DEPTH ? -1 : object(json, i, to, depth + 1, null);
            case '[' -> depth >= MAX_DEPTH ? -1 : array(json, i, to, depth + 1);
            case 't' -> literal(json, i, to, TRUE);
            case 'f' -> literal(json, i, to, FALSE);
            case 'n' -> literal(json, i, to, NULL);
            default -> number(json, i, to);
        };
    }

    /** The index just after the object that opens at {@code i}, or -1; each field goes to the visitor, if any. */
    private static int object(byte[] json, int i, int to, int depth, Visitor visitor) {
        i = space(json, i + 1, to);
        if (i < to && json[i] == '}') {
            return i + 1;
        }
        while (true) {
            if (i >= to || json[i] != '"') {
                return -1;
            }
            int keyStart = i + 1;
            int afterKey = string(json, i, to, visitor == null);
            if (afterKey < 0 || afterKey - keyStart > MAX_NAME) {
                return -1;
            }
            i = space(json, afterKey, to);
            if (i >= to || json[i] != ':') {
                return -1;
            }
            int valueStart = space(json, i + 1, to);
            i = value(json, valueStart, to, depth);
            if (i < 0 || visitor != null && !visitor.field(json, keyStart, afterKey - 1, valueStart, i)) {
                return -1;
            }
            i = space(json, i, to);
            if (i >= to) {
                return -1;
            }
            if (json[i] == '}') {
                return i + 1;
            }
            if (json[i] != ',') {
                return -1;
            }
            i = space(json, i + 1, to);
        }
    }

    private static int array(byte[] json, int i, int to, int depth) {
        i = space(json, i + 1, to);
        if (i < to && json[i] == ']') {
            return i + 1;
        }
        while (true) {
            i = value(json, i, to, depth);
            if (i < 0) {
                return -1;
            }
            i = space(json, i, to);
            if (i >= to) {
                return -1;
            }
            if (json[i] == ']') {
                return i + 1;
            }
            if (json[i] != ',') {
                return -1;
            }
            i = space(json, i + 1, to);
        }
    }

    /**
     * The index just after the string that opens at {@code i}, or -1: unterminated, a control character, a bad
     * escape, or any escape where {@code escapes} is false (keys, which are compared byte for byte).
     */
    private static int string(byte[] json, int i, int to, boolean escapes) {
        for (int k = i + 1; k < to; k++) {
            byte b = json[k];
            if (b == '"') {
                return k + 1;
            }
            if (b == '\\') {
                if (!escapes || k + 1 >= to) {
                    return -1;
                }
                byte e = json[++k];
                if (e == 'u') {
                    if (k + 4 >= to) {
                        return -1;
                    }
                    for (int h = 1; h <= 4; h++) {
                        if (Character.digit(json[k + h], 16) < 0) {
                            return -1;
                        }
                    }
                    k += 4;
                } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r'
                        && e != 't') {
                    return -1;
                }
            } else if (b < 0) {
                k = utf8(json, k, to);
                if (k < 0) {
                    return -1;
                }
            } else if (b < 0x20) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * The index of the last byte of the well-formed UTF-8 sequence that starts at {@code k} (Unicode's table: no
     * overlong forms, no surrogates, nothing above U+10FFFF), or -1. Stricter than the parser, which then decides.
     */
    private static int utf8(byte[] json, int k, int to) {
        int lead = json[k] & 0xFF;
        int more;
        int low = 0x80;
        int high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            more = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            more = 2;
            low = lead == 0xE0 ? 0xA0 : 0x80;
            high = lead == 0xED ? 0x9F : 0xBF;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            more = 3;
            low = lead == 0xF0 ? 0x90 : 0x80;
            high = lead == 0xF4 ? 0x8F : 0xBF;
        } else {
            return -1;
        }
        if (k + more >= to) {
            return -1;
        }
        for (int n = 1; n <= more; n++) {
            int next = json[k + n] & 0xFF;
            if (n == 1 ? next < low || next > high : (next & 0xC0) != 0x80) {
                return -1;
            }
        }
        return k + more;
    }

    private static int literal(byte[] json, int i, int to, byte[] word) {
        if (i + word.length > to) {
            return -1;
        }
        for (int k = 0; k < word.length; k++) {
            if (json[i + k] != word[k]) {
                return -1;
            }
        }
        int end = i + word.length;
        return end < to && isWordByte(json[end]) ? -1 : end;
    }

    /** JSON's number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? followed by no further word byte. */
    private static int number(byte[] json, int i, int to) {
        int k = i;
        if (k < to && json[k] == '-') {
            k++;
        }
        if (k >= to || !digit(json[k])) {
            return -1;
        }
        if (json[k] == '0') {
            k++;
        } else {
            while (k < to && digit(json[k])) {
                k++;
            }
        }
        if (k < to && json[k] == '.') {
            int digits = ++k;
            while (k < to && digit(json[k])) {
                k++;
            }
            if (k == digits) {
                return -1;
            }
        }
        if (k < to && (json[k] == 'e' || json[k] == 'E')) {
            k++;
            if (k < to && (json[k] == '+' || json[k] == '-')) {
                k++;
            }
            int digits = k;
            while (k < to && digit(json[k])) {
                k++;
            }
            if (k == digits) {
                return -1;
            }
        }
        return k - i > MAX_NUMBER || k < to && (isWordByte(json[k]) || json[k] == '.') ? -1 : k;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** A byte that would continue a literal or number token (the parser would read it as part of the token). */
    private static boolean isWordByte(byte b) {
        return digit(b) || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' || b == '-' || b == '+'
                || b < 0;
    }

    private static int space(byte[] json, int i, int to) {
        while (i < to) {
            byte b = json[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                break;
            }
            i++;
        }
        return i;
    }
}
