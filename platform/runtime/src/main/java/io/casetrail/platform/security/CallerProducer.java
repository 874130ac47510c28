package io.casetrail.platform.security;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.casetrail.events.StorableText;
import io.casetrail.platform.errors.AccessDenied;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Turns the authenticated principal of the current request (a verified JWT, or an org API token) into a
 * {@link Caller}. The caller is a value ({@code @Dependent}): inject it into request-scoped beans, such as the REST
 * resources.
 */
@ApplicationScoped
public class CallerProducer {

    public static final String ORG_CLAIM = "org_id";
    public static final String TEAMS_CLAIM = "teams";
    public static final String NAME_CLAIM = "name";
    /** Longest subject, org id and display name the stores keep. */
    static final int MAX_ID = 255;

    private final SecurityIdentity identity;

    public CallerProducer(SecurityIdentity identity) {
        this.identity = identity;
    }

    @Produces
    @Dependent
    Caller caller() {
        if (identity == null || identity.isAnonymous()) {
            // endpoints that inject a Caller are never anonymous; the role check ran before this
            throw new AccessDenied("the request carries no authenticated principal");
        }
        Set<String> roles = new HashSet<>(identity.getRoles());
        roles.retainAll(Roles.ALL);
        Caller caller;
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            caller = new Caller(jwt.getSubject(), stringClaim(jwt, NAME_CLAIM), roles, orgClaim(jwt), teams(jwt));
        } else {
            caller = new Caller(idOf(identity), identity.getAttribute(SswsAuthentication.NAME_ATTRIBUTE),
                    roles, identity.getAttribute(SswsAuthentication.ORG_ATTRIBUTE), Set.of());
        }
        // a bearer token failing these never gets here: it is refused as it is parsed, 401 (VerifiedJwts); they
        // hold for every other credential too
        if (caller.isCustomer() && (caller.orgId() == null || caller.orgId().isBlank())) {
            throw new AccessDenied("a customer token must name its org (claim org_id)");
        }
        if (caller.id().length() > MAX_ID || (caller.orgId() != null && caller.orgId().length() > MAX_ID)) {
            throw new AccessDenied("token subject and org_id must be at most " + MAX_ID + " characters");
        }
        String name = readable(caller.displayName(), MAX_ID);
        if (!name.equals(caller.displayName())) {
            caller = new Caller(caller.id(), name, caller.roles(), caller.orgId(), caller.teams());
        }
        return caller;
    }

    /**
     * A display name as events and read models keep it: at most {@code max} characters, never cut inside a
     * surrogate pair, with NUL and lone halves of surrogate pairs replaced by U+FFFD (PostgreSQL keeps neither in
     * text; a name is shown, never matched, so it is mended rather than refused).
     */
    static String readable(String name, int max) {
        StringBuilder kept = new StringBuilder(Math.min(name.length(), max));
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            int length = Character.charCount(c);
            if (kept.length() + length > max) {
                break;
            }
            kept.appendCodePoint(c);
            i += length;
        }
        return StorableText.of(kept.toString());
    }

    /** The authenticated principal's id: a token's subject, else its principal's name (an API token's creator). */
    public static String idOf(SecurityIdentity identity) {
        return identity.getPrincipal() instanceof JsonWebToken jwt ? jwt.getSubject()
                : identity.getPrincipal().getName();
    }

    /** The org the authenticated principal is bound to (a customer's token, an org API token), else null. */
    public static String orgOf(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return null;
        }
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            return orgClaim(jwt);
        }
        Object org = identity.getAttribute(SswsAuthentication.ORG_ATTRIBUTE);
        return org == null ? null : org.toString();
    }

    /**
     * The org a token binds its principal to: a customer's. The vendor's staff are bound to none, whatever claim
     * their identity provider adds (it would file their requests, and key their retries, under that org).
     */
    private static String orgClaim(JsonWebToken jwt) {
        return Roles.anyCustomer(jwt.getGroups()) ? stringClaim(jwt, ORG_CLAIM) : null;
    }

    static String stringClaim(JsonWebToken jwt, String name) {
        Object value = jwt.getClaim(name);
        if (value == null) {
            return null;
        }
        if (value instanceof jakarta.json.JsonString s) {
            return s.getString();
        }
        return value.toString();
    }

    static Set<String> teams(JsonWebToken jwt) {
        Object value = jwt.getClaim(TEAMS_CLAIM);
        Set<String> teams = new LinkedHashSet<>();
        if (value instanceof Collection<?> list) {
            for (Object item : list) {
                teams.add(item instanceof jakarta.json.JsonString s ? s.getString() : String.valueOf(item));
            }
        } else if (value instanceof jakarta.json.JsonString s) {
            teams.add(s.getString());
        } else if (value != null) {
            teams.add(value.toString());
        }
        return teams;
    }
}
