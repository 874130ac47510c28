package io.casetrail.platform.api;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** {@code Link} headers of cursor-paged lists: {@code self} always, {@code next} when there is a next page. */
public final class LinkHeaders {

    private LinkHeaders() {
    }

    /** A 200 response with a page's items and its links. */
    public static Response page(UriInfo uri, Page<?> page) {
        return page(uri, page.items(), page.next());
    }

    /** A 200 response with the page's items and its links (absolute URLs, one link per header). */
    public static Response page(UriInfo uri, Object items, String nextCursor) {
        Response.ResponseBuilder response = Response.ok(items)
                .header("Link", "<" + uri.getRequestUri() + ">; rel=\"self\"");
        if (nextCursor != null) {
            response.header("Link", "<" + uri.getRequestUriBuilder().replaceQueryParam("after", nextCursor).build()
                    + ">; rel=\"next\"");
        }
        return response.build();
    }
}
