package io.casetrail.platform.security;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.casetrail.platform.errors.AccessDenied;

/**
 * Turns the verified JWT of the current request into a {@link Caller}. The caller is a value ({@code @Dependent}):
 * inject it into request-scoped beans, such as the REST resources.
 */
@ApplicationScoped
public class CallerProducer {

    public static final String ORG_CLAIM = "org_id";
    public static final String TEAMS_CLAIM = "teams";
    public static final String NAME_CLAIM = "name";

    private final JsonWebToken jwt;

    public CallerProducer(JsonWebToken jwt) {
        this.jwt = jwt;
    }

    @Produces
    @Dependent
    Caller caller() {
        if (jwt == null || jwt.getSubject() == null) {
            // endpoints that inject a Caller are never anonymous; the role check ran before this
            throw new AccessDenied("the request carries no authenticated principal");
        }
        Set<String> roles = new HashSet<>(jwt.getGroups());
        roles.retainAll(Roles.ALL);
        String orgId = stringClaim(ORG_CLAIM);
        Caller caller = new Caller(jwt.getSubject(), stringClaim(NAME_CLAIM), roles, orgId, teams());
        if (caller.isCustomer() && (orgId == null || orgId.isBlank())) {
            throw new AccessDenied("a customer token must name its org (claim org_id)");
        }
        return caller;
    }

    private String stringClaim(String name) {
        Object value = jwt.getClaim(name);
        if (value == null) {
            return null;
        }
        if (value instanceof jakarta.json.JsonString s) {
            return s.getString();
        }
        return value.toString();
    }

    private Set<String> teams() {
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
