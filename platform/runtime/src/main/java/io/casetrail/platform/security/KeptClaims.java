package io.casetrail.platform.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A verified token whose claims are looked up once each and then answered from what was found: a signed token
 * cannot change, and {@link VerifiedJwts} hands the same verified token to every request that carries it. smallrye-jwt
 * answers a lookup of a claim the MicroProfile JWT specification does not name ({@code org_id}, {@code teams},
 * {@code name}: every request's caller reads them) by building and catching an exception each time, 3 % of
 * case-service's CPU under commands (docs/benchmarks.md).
 *
 * <p>Values are kept as the token gave them (JSON values of smallrye-jwt, which are immutable); the collections it
 * gives (its groups, its audience, its claim names) are kept as unmodifiable copies, since every request shares them.
 * What is kept is bounded by the claim names the services look up.
 */
final class KeptClaims implements JsonWebToken {

    /** Kept for a claim the token does not carry (a concurrent map keeps no null). */
    private static final Object ABSENT = new Object();

    private final JsonWebToken token;
    private final String name;
    private final Set<String> groups;
    private final Set<String> audience;
    private final Set<String> claimNames;
    private final Map<String, Object> claims = new ConcurrentHashMap<>();

    private KeptClaims(JsonWebToken token) {
        this.token = token;
        this.name = token.getName();
        this.groups = copy(token.getGroups());
        this.audience = copy(token.getAudience());
        this.claimNames = copy(token.getClaimNames());
    }

    /** The token, answering each claim from what was found the first time it was looked up. */
    static JsonWebToken of(JsonWebToken token) {
        return token instanceof KeptClaims ? token : new KeptClaims(token);
    }

    private static Set<String> copy(Set<String> values) {
        return values == null ? null : Set.copyOf(values);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Set<String> getClaimNames() {
        return claimNames;
    }

    @Override
    public Set<String> getGroups() {
        return groups;
    }

    @Override
    public Set<String> getAudience() {
        return audience;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getClaim(String claimName) {
        Object value = claims.computeIfAbsent(claimName, this::lookUp);
        return value == ABSENT ? null : (T) value;
    }

    private Object lookUp(String claimName) {
        Object value = token.getClaim(claimName);
        if (value == null) {
            return ABSENT;
        }
        // smallrye-jwt gives a claim's JSON values, which are immutable; a collection of its own making is not
        if (value instanceof Set<?> set) {
            return Set.copyOf(set);
        }
        if (value instanceof Collection<?> list && !(value instanceof jakarta.json.JsonValue)) {
            return List.copyOf(list);
        }
        return value;
    }

    @Override
    public String toString() {
        return token.toString();
    }
}
