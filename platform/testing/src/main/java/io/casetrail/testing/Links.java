package io.casetrail.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Reads the {@code Link} headers of Casetrail's cursor-paged lists (one link per header, as the services send them).
 */
public final class Links {

    private Links() {
    }

    /** The URL of the {@code rel="next"} link among the given {@code Link} header values, if there is one. */
    public static Optional<String> next(Iterable<String> linkHeaders) {
        for (String link : linkHeaders) {
            if (link.contains("rel=\"next\"")) {
                return Optional.of(link.substring(link.indexOf('<') + 1, link.indexOf('>')));
            }
        }
        return Optional.empty();
    }

    /** The path and query of the {@code next} link (from {@code fromPath} on, e.g. "/orgs/"), if there is one. */
    public static Optional<String> nextPath(Iterable<String> linkHeaders, String fromPath) {
        return next(linkHeaders).map(url -> url.substring(url.indexOf(fromPath)));
    }

    /**
     * A whole list read page by page: the values at {@code jsonPath} of each page's items, one list per page, from
     * {@code path} on through every {@code next} link (each page must answer 200; at most 1,000 pages).
     */
    public static <T> List<List<T>> pages(Supplier<RequestSpecification> request, String path, String jsonPath,
                                          Class<T> type) {
        List<List<T>> pages = new ArrayList<>();
        String url = path;
        while (url != null) {
            if (pages.size() == 1_000) {
                throw new AssertionError("more than 1,000 pages from " + path);
            }
            Response page = request.get().urlEncodingEnabled(false).get(url);
            page.then().statusCode(200);
            pages.add(page.jsonPath().getList(jsonPath, type));
            url = next(page.getHeaders().getValues("Link")).orElse(null);
        }
        return pages;
    }
}
