package io.casetrail.platform.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

import io.casetrail.events.UtcInstants;
import io.casetrail.platform.errors.InvalidInput;

/**
 * A page of a list and the cursor of the next one. Cursors are opaque to clients (base64url), handed out in
 * {@code Link: <...?after=...>; rel="next"} headers; a cursor that cannot be read is a 400.
 */
public record Page<T>(List<T> items, String next) {

    /** A row together with the cursor that points just after it. */
    public record Row<T>(T item, String cursor) {
    }

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    /** Builds a page from {@code limit + 1} fetched rows: the extra row only tells that there is a next page. */
    public static <T> Page<T> of(List<Row<T>> rows, int limit) {
        boolean more = rows.size() > limit;
        List<Row<T>> shown = more ? rows.subList(0, limit) : rows;
        return new Page<>(shown.stream().map(Row::item).toList(),
                more && !shown.isEmpty() ? shown.get(shown.size() - 1).cursor() : null);
    }

    /** Builds a page from {@code limit + 1} fetched items, each item's cursor given by {@code cursor}. */
    public static <T> Page<T> of(List<T> items, int limit, Function<T, String> cursor) {
        return of(items.stream().map(item -> new Row<>(item, cursor.apply(item))).toList(), limit);
    }

    /** The requested page size: {@value #DEFAULT_LIMIT} when none is asked, 1 to {@value #MAX_LIMIT}. */
    public static int limit(Integer requested) {
        return limit(requested, DEFAULT_LIMIT, MAX_LIMIT);
    }

    public static int limit(Integer requested, int defaultLimit, int maxLimit) {
        if (requested == null) {
            return defaultLimit;
        }
        if (requested < 1 || requested > maxLimit) {
            throw new InvalidInput("limit must be between 1 and " + maxLimit);
        }
        return requested;
    }

    /** An opaque cursor of the given parts (none of which may hold {@code |}). */
    public static String cursor(String... parts) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join("|", parts).getBytes(StandardCharsets.UTF_8));
    }

    /** The parts of a cursor made by {@link #cursor}; 400 unless it has exactly {@code count} of them. */
    public static String[] parts(String token, int count) {
        String[] parts = cursorText(token).split("\\|", -1);
        if (parts.length != count) {
            throw badCursor();
        }
        return parts;
    }

    public static InvalidInput badCursor() {
        return new InvalidInput("after is not a cursor this list handed out");
    }

    /**
     * A time read from a cursor, refused unless it is within the years 1 to 9999: no stored time is outside, and
     * the database could not even compare (or add to) one that is.
     */
    public static Instant cursorTime(Instant at) {
        if (!UtcInstants.storable(at)) {
            throw badCursor();
        }
        return at;
    }

    /**
     * The text of a cursor made by {@link #cursor}, whole (its parts not split); 400 when it is not one: not base64,
     * or holding a NUL (no cursor handed out does, and PostgreSQL refuses one in any text it is given to compare).
     */
    public static String cursorText(String token) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw badCursor();
        }
        if (text.indexOf('\u0000') >= 0) {
            throw badCursor();
        }
        return text;
    }

    /** The position of a row in a list ordered by a time and then an id; its cursor continues after it. */
    public record At(Instant at, String id) {

        public String cursor() {
            return Page.cursor(at.toString(), id);
        }

        /** {@code null} for no cursor (the first page). */
        public static At of(String cursor) {
            if (cursor == null) {
                return null;
            }
            String[] parts = parts(cursor, 2);
            Instant at;
            try {
                at = Instant.parse(parts[0]);
            } catch (DateTimeParseException e) {
                throw badCursor();
            }
            return new At(cursorTime(at), parts[1]);
        }

        /**
         * The query of a page of a list in (time, id) order: {@code select} (a SELECT with its WHERE) continued
         * after {@code after} when there is one, ordered, limited to {@code limit + 1} rows (the last only tells
         * that there is more); the values it adds go to {@code parameters}.
         */
        public static String query(String select, String timeColumn, String idColumn, boolean descending, At after,
                                   List<Object> parameters, int limit) {
            StringBuilder sql = new StringBuilder(select);
            String op = descending ? "<" : ">";
            if (after != null) {
                sql.append(" AND (").append(timeColumn).append(' ').append(op).append(" ? OR (").append(timeColumn)
                        .append(" = ? AND ").append(idColumn).append(' ').append(op).append(" ?))");
                parameters.addAll(List.of(after.at(), after.at(), after.id()));
            }
            String direction = descending ? " DESC" : "";
            parameters.add(limit + 1);
            return sql.append(" ORDER BY ").append(timeColumn).append(direction).append(", ").append(idColumn)
                    .append(direction).append(" LIMIT ?").toString();
        }
    }
}
