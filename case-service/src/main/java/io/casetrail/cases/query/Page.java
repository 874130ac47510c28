package io.casetrail.cases.query;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import io.casetrail.platform.errors.InvalidInput;

/**
 * A page of a list and the cursor of the next one. Cursors are opaque to clients (base64url), handed out in
 * {@code Link: <...?after=...>; rel="next"} headers.
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

    public static int limit(Integer requested) {
        if (requested == null) {
            return DEFAULT_LIMIT;
        }
        if (requested < 1 || requested > MAX_LIMIT) {
            throw new InvalidInput("limit must be between 1 and " + MAX_LIMIT);
        }
        return requested;
    }

    static String encode(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw badCursor();
        }
    }

    static InvalidInput badCursor() {
        return new InvalidInput("after is not a cursor this list handed out");
    }
}
