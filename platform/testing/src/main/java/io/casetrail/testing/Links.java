package io.casetrail.testing;

import java.util.Optional;

/** Reads the {@code Link} headers of Casetrail's cursor-paged lists (one link per header, as the services send them). */
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
}
