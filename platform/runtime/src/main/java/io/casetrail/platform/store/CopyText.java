package io.casetrail.platform.store;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.UUID;

import org.postgresql.copy.CopyIn;

/**
 * Rows in PostgreSQL's {@code COPY} text format: columns separated by a tab, rows ended by a newline, {@code \N} for
 * null, backslash escapes for backslash, tab, newline and carriage return. A value is written as the text
 * {@link Jdbc#bind} would have bound it as: a string as it is, an enum by name, an instant in UTC to the microsecond
 * (what a {@code TIMESTAMP WITH TIME ZONE} column reads), numbers, booleans and UUIDs by {@code toString}. Other
 * types have no text form here ({@link #row} refuses them); their rows go as bound statements. One difference
 * remains: a bound string is typed {@code varchar}, so a string written to a column of another type (uuid, integer,
 * jsonb) is refused as a statement but parsed by {@code COPY}; write each column with its own Java type (every
 * projection does).
 */
final class CopyText {

    private static final long[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000};

    /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: instants from the first up to (not including) the second
     * have a four-digit year, also once rounded to the microsecond. */
    private static final long FIRST_SECOND = -62_135_596_800L;
    private static final long LAST_SECOND = 253_402_300_799L;

    private byte[] bytes = new byte[64 * 1024];
    private int length;

    /**
     * Appends a row if every value has a text form (null, a string, an enum, a number of the integer types, a
     * boolean, a UUID, an instant with a four-digit year); otherwise appends nothing and answers false.
     */
    boolean row(Object[] values) {
        int start = length;
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                put((byte) '\t');
            }
            Object value = values[i];
            if (value == null) {
                put((byte) '\\');
                put((byte) 'N');
            } else if (value instanceof String text) {
                escaped(text);
            } else if (value instanceof Enum<?> e) {
                escaped(e.name());
            } else if (value instanceof Instant instant && instant.getEpochSecond() >= FIRST_SECOND
                    && instant.getEpochSecond() < LAST_SECOND) {
                instant(instant);
            } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                    || value instanceof Boolean || value instanceof UUID) {
                escaped(value.toString());
            } else {
                length = start;
                return false;
            }
        }
        put((byte) '\n');
        return true;
    }

    void writeTo(CopyIn copy) throws SQLException {
        copy.writeToCopy(bytes, 0, length);
    }

    /** The rows as text, as they are sent. */
    String text() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /**
     * {@code 2026-11-29 05:30:00.123456+00}: rounded to the microsecond as the driver rounds a bound
     * {@link java.time.OffsetDateTime} (PostgreSQL keeps microseconds), written without a formatter.
     */
    private void instant(Instant instant) {
        long micros = (instant.getNano() + 500) / 1_000;
        long seconds = instant.getEpochSecond() + micros / 1_000_000;
        micros %= 1_000_000;
        long secondOfDay = Math.floorMod(seconds, 86_400L);
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400L));
        number(date.getYear(), 4);
        put((byte) '-');
        number(date.getMonthValue(), 2);
        put((byte) '-');
        number(date.getDayOfMonth(), 2);
        put((byte) ' ');
        number(secondOfDay / 3_600, 2);
        put((byte) ':');
        number(secondOfDay / 60 % 60, 2);
        put((byte) ':');
        number(secondOfDay % 60, 2);
        if (micros > 0) {
            put((byte) '.');
            number(micros, 6);
        }
        put((byte) '+');
        put((byte) '0');
        put((byte) '0');
    }

    /** A non-negative number in exactly {@code width} digits. */
    private void number(long value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            long scale = POWERS_OF_TEN[i];
            put((byte) ('0' + value / scale % 10));
        }
    }

    private void escaped(String text) {
        int chars = text.length();
        room(chars * 3); // the most a char takes: three bytes of UTF-8 (a pair of surrogates, four for two)
        for (int i = 0; i < chars; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                int end = i + 1;
                while (end < chars && text.charAt(end) >= 0x80) {
                    end++;
                }
                byte[] utf8 = text.substring(i, end).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(utf8, 0, bytes, length, utf8.length);
                length += utf8.length;
                i = end - 1;
            } else if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
                bytes[length++] = '\\';
                bytes[length++] = (byte) (c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : 'r');
            } else {
                bytes[length++] = (byte) c;
            }
        }
    }

    /** Makes room for {@code more} bytes. */
    private void room(int more) {
        if (bytes.length - length < more) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    private void put(byte b) {
        room(1);
        bytes[length++] = b;
    }
}
