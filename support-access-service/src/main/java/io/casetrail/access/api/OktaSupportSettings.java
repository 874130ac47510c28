package io.casetrail.access.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The identity platform's {@code OrgOktaSupportSettingsObj}: {@code support} ENABLED or DISABLED, the
 * {@code expiration} (null when disabled) and the {@code _links} of what can be done next.
 */
public record OktaSupportSettings(String support, @JsonInclude(JsonInclude.Include.ALWAYS)
                                  @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = OKTA_TIME, timezone = "UTC")
                                  Instant expiration,
                                  @JsonProperty("_links") Map<String, Link> links) {

    /** How the identity platform writes a time: always with milliseconds ({@code 2021-01-24T11:13:14.000Z}). */
    static final String OKTA_TIME = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";

    /** A link with the methods it allows. */
    public record Link(String href, Hints hints) {
    }

    public record Hints(List<String> allow) {
    }

    static OktaSupportSettings of(Instant expiration, String base) {
        Map<String, Link> links = new LinkedHashMap<>();
        if (expiration == null) {
            links.put("grant", post(base + "/grant"));
            return new OktaSupportSettings("DISABLED", null, links);
        }
        links.put("extend", post(base + "/extend"));
        links.put("revoke", post(base + "/revoke"));
        return new OktaSupportSettings("ENABLED", expiration, links);
    }

    private static Link post(String href) {
        return new Link(href, new Hints(List.of("POST")));
    }
}
