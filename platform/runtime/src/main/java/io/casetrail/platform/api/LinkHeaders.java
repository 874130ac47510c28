package io.casetrail.platform.api;

import java.util.List;

import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code Link} headers of cursor-paged lists: {@code self} always, {@code next} when there is a next page. The answer
 * is typed by its body, so that a resource returning it documents the body's schema in its OpenAPI document.
 */
public final class LinkHeaders {

    private LinkHeaders() {
    }

    /** A 200 response with a page's items and its links. */
    public static <T> RestResponse<List<T>> page(UriInfo uri, Page<T> page) {
        return page(uri, page.items(), page.next());
    }

    /** A 200 response with the page's body and its links (absolute URLs, one link per header). */
    public static <B> RestResponse<B> page(UriInfo uri, B body, String nextCursor) {
        RestResponse.ResponseBuilder<B> response = RestResponse.ResponseBuilder.ok(body)
                .header("Link", "<" + uri.getRequestUri() + ">; rel=\"self\"");
        if (nextCursor != null) {
            response.header("Link", "<" + uri.getRequestUriBuilder().replaceQueryParam("after", nextCursor).build()
                    + ">; rel=\"next\"");
        }
        return response.build();
    }
}
