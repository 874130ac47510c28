package io.casetrail.events;

/**
 * Text as a store keeps it: NUL, which PostgreSQL's text refuses, and a lone half of a surrogate pair, which its
 * driver would store as {@code ?}, each as U+FFFD. A value that comes off Kafka or out of a token is mended this way
 * where it is kept for reading (a name, a message, an event's own JSON): a row the database refused would stop the
 * projection writing it for good, at that record.
 */
public final class StorableText {

    private StorableText() {
    }

    /** {@code text} with NUL and lone surrogate halves as U+FFFD; the same string when it has none; null for null. */
    public static String of(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            boolean unstorable = c == '\u0000' || !pair && Character.isSurrogate(c);
            if (unstorable && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                out.append(unstorable ? '\uFFFD' : c);
                if (pair) {
                    out.append(text.charAt(i + 1));
                }
            }
            if (pair) {
                i++;
            }
        }
        return out == null ? text : out.toString();
    }
}
