package io.casetrail.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The relay reads its envelope from the bytes of a payload (JsonObjectFields) and leaves the rest to Jackson: on
 * random JSON, valid and broken, the two together must answer exactly what Jackson alone answers, a value or an
 * error.
 */
class JsonObjectFieldsTest {

    private static final String[] KEYS = {"orgId", "caseNumber", "actor", "id", "requestId", "correlationId",
        "traceId", "subject", "details", "list", "orgid", "org\u00e9Id", "", "a"};
    private static final String[] TEXT = {"org-1", "00100008", "u-1", "", "caf\u00e9", "line\nbreak", "quote\"",
        "back\\slash", "tab\t", "\u0001", "\u20ac", "\ud83d\ude00", "slash/", "x".repeat(40)};
    private static final byte[] INSERTS = "{}[],:\"\\ 0-.eE+nul tx\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void randomJsonGivesWhatJacksonGives() {
        Random random = new Random(20261129);
        int walked = 0;
        int valid = 0;
        int refused = 0;
        for (int n = 0; n < 20_000; n++) {
            byte[] document = document(random).getBytes(StandardCharsets.UTF_8);
            byte[] json = n % 2 == 1 ? broken(document, random) : document;
            if (n % 2 == 0) {
                valid++;
                if (KafkaRelay.Envelope.walked(json) != null) {
                    walked++;
                }
            }
            if (!sameAsJackson(json)) {
                throw new AssertionError("differs from Jackson: " + new String(json, StandardCharsets.UTF_8));
            }
            if (outcome(() -> describe(KafkaRelay.Envelope.parsed(json))).startsWith("error")) {
                refused++;
            }
        }
        // the cases exercised both paths on valid documents (a third read from the bytes: the rest hold a wanted
        // value the walk leaves to the parser), and many broken documents were refused
        assertThat(walked).isBetween(valid / 4, valid - valid / 4);
        assertThat(refused).isGreaterThan(2_000);
    }

    @Test
    void theWalkGivesUpOnWhatItDoesNotReadItself() {
        for (String json : List.of(
                "{\"orgId\":\"caf\u00e9\"}", // outside ASCII
                "{\"orgId\":\"a\\\"b\"}", // an escape in a wanted value
                "{\"org\\u0049d\":\"o-1\"}", // an escape in a key
                "{\"orgId\":12}", // a number where a string is expected
                "{\"actor\":\"u-1\"}", // an actor that is not an object
                "{\"a\":" + "[".repeat(70) + "]".repeat(70) + "}", // deeper than the walk goes
                "\ufeff{\"orgId\":\"o-1\"}", // a byte-order mark
                "{\"a\":01}", "{\"a\":1.}", "{\"a\":nul}", "{\"a\":\"\u0001\"}", "{\"a\":1,}",
                "{\"a\":" + "9".repeat(1001) + "}", // longer than the parser allows a number
                "{\"" + "k".repeat(60_000) + "\":1}")) { // longer than the parser allows a name
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            assertThat(KafkaRelay.Envelope.walked(bytes)).as(json).isNull();
            assertThat(sameAsJackson(bytes)).as(json).isTrue();
        }
        // text that is not well-formed UTF-8 in a value the walk would skip: a cut sequence, an overlong form
        for (byte[] bytes : List.of(bytes("{\"a\":\"x", 0xC3, 0x28, "\"}"), bytes("{\"a\":\"", 0xC0, 0x80, "\"}"),
                bytes("{\"a\":\"", 0xED, 0xA0, 0x80, "\"}"), bytes("{\"a\":\"", 0xF4, 0x90, 0x80, 0x80, "\"}"))) {
            assertThat(KafkaRelay.Envelope.walked(bytes)).isNull();
            assertThat(sameAsJackson(bytes)).isTrue();
        }
        assertThat(KafkaRelay.Envelope.walked("{\"a\":\"caf\u00e9 \u20ac \ud83d\ude00\",\"orgId\":\"o\"}"
                .getBytes(StandardCharsets.UTF_8)).orgId).isEqualTo("o"); // well-formed text is walked
        assertThat(KafkaRelay.Envelope.of("{\"org\\u0049d\":\"o-1\",\"orgId\":12}".getBytes(StandardCharsets.UTF_8))
                .orgId).isEqualTo("12");
        assertThatThrownBy(() -> KafkaRelay.Envelope.of("{\"a\":01}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void whatFollowsTheObjectIsIgnoredAndARepeatedNameTakesTheLastValue() {
        byte[] json = "{\"orgId\":\"o-1\",\"actor\":{\"id\":\"u-1\"},\"orgId\":\"o-2\",\"actor\":null} trailing"
                .getBytes(StandardCharsets.UTF_8);
        KafkaRelay.Envelope walked = KafkaRelay.Envelope.walked(json);
        assertThat(walked).isNotNull();
        assertThat(walked.orgId).isEqualTo("o-2");
        assertThat(walked.actorId).isNull();
        assertThat(sameAsJackson(json)).isTrue();
    }

    private static boolean sameAsJackson(byte[] json) {
        return outcome(() -> describe(KafkaRelay.Envelope.of(json)))
                .equals(outcome(() -> describe(KafkaRelay.Envelope.parsed(json))))
                && outcome(() -> KafkaRelay.Envelope.correlation(json))
                .equals(outcome(() -> KafkaRelay.Envelope.parsedCorrelation(json)));
    }

    private static String describe(KafkaRelay.Envelope envelope) {
        return envelope.orgId + "|" + envelope.caseNumber + "|" + envelope.actorId;
    }

    private static String outcome(java.util.concurrent.Callable<String> read) {
        try {
            return "value " + Objects.toString(read.call());
        } catch (IllegalStateException e) {
            return "error";
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A random JSON object, with random white space, escapes and nesting. */
    private static String document(Random random) {
        StringBuilder out = new StringBuilder();
        space(out, random);
        object(out, random, 0);
        space(out, random);
        return out.toString();
    }

    private static void object(StringBuilder out, Random random, int depth) {
        out.append('{');
        int fields = random.nextInt(depth == 0 ? 8 : 4);
        for (int f = 0; f < fields; f++) {
            if (f > 0) {
                out.append(',');
            }
            space(out, random);
            string(out, KEYS[random.nextInt(KEYS.length)], random);
            space(out, random);
            out.append(':');
            space(out, random);
            value(out, random, depth + 1);
            space(out, random);
        }
        out.append('}');
    }

    private static void value(StringBuilder out, Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 5 : 8);
        switch (kind) {
            case 0, 1 -> string(out, TEXT[random.nextInt(TEXT.length)], random);
            case 2 -> out.append(List.of("0", "-1", "42", "3.25", "-0.5e3", "1E+2", "7e-1", "12345678901234567890")
                    .get(random.nextInt(8)));
            case 3 -> out.append(List.of("true", "false").get(random.nextInt(2)));
            case 4 -> out.append("null");
            case 5 -> {
                out.append('[');
                int items = random.nextInt(4);
                for (int i = 0; i < items; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    space(out, random);
                    value(out, random, depth + 1);
                    space(out, random);
                }
                out.append(']');
            }
            default -> object(out, random, depth);
        }
    }

    /** A JSON string; characters are escaped where JSON requires it and, at random, where it does not. */
    private static void string(StringBuilder out, String text, Random random) {
        out.append('"');
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(c == '\n' ? "\\n" : c == '\t' ? "\\t" : String.format("\\u%04x", (int) c));
            } else if (random.nextInt(20) == 0) {
                out.append(String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
            } else if (c == '/' && random.nextBoolean()) {
                out.append("\\/");
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static void space(StringBuilder out, Random random) {
        if (random.nextInt(4) == 0) {
            out.append(" \n\t\r".charAt(random.nextInt(4)));
        }
    }

    /** The document broken in one place: a byte dropped, one inserted (any byte) or the end cut off. */
    private static byte[] broken(byte[] json, Random random) {
        int at = random.nextInt(json.length + 1);
        return switch (random.nextInt(4)) {
            case 0 -> at < json.length ? concat(Arrays.copyOf(json, at), Arrays.copyOfRange(json, at + 1, json.length))
                    : json;
            case 1 -> concat(Arrays.copyOf(json, at), new byte[]{INSERTS[random.nextInt(INSERTS.length)]},
                    Arrays.copyOfRange(json, at, json.length));
            case 2 -> concat(Arrays.copyOf(json, at), new byte[]{(byte) (0x80 + random.nextInt(0x80))},
                    Arrays.copyOfRange(json, at, json.length));
            default -> Arrays.copyOf(json, at);
        };
    }

    /** Text and bytes, in order. */
    private static byte[] bytes(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String text) {
                out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            } else {
                out.write((Integer) part);
            }
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
