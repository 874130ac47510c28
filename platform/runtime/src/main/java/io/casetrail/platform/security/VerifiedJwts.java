package io.casetrail.platform.security;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.SecretKey;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.casetrail.platform.api.RequestJson;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * The bearer-token parser of every service: smallrye-jwt's, verifying a token string once for a while. The first
 * request with a token runs the full check (RSA signature, issuer, expiry); later requests with the very same string
 * get the verified token back for {@code casetrail.jwt.verified-for} (5 minutes) at most, and never past its expiry
 * plus the configured clock skew, the moment the full check would start refusing it. A token cannot change (it is
 * signed), but the keys it is checked against can: a key the identity provider withdrew (a leaked one) refuses the
 * token at its next full check, at most that long after. What is saved is the signature check, about a tenth of a
 * command's CPU (benchmarks.md), and the lookups of its claims, which are answered from the token kept
 * ({@link KeptClaims}). A refused token is never kept, and is checked in full each time.
 *
 * <p>At most {@value #MAX_TOKENS} tokens are kept; when full, the cache starts over. Session tokens of support
 * access are another mechanism ({@link SessionTokenAuthentication}) and checked against their session each time.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedJwts implements JWTParser {

    static final int MAX_TOKENS = 4_096;

    private final JWTParser parser;
    private final long clockSkewSeconds;
    private final Long tokenAgeSeconds;
    private final long keptSeconds;
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

    private record Verified(JsonWebToken token, long refusedFromSecond) {
    }

    @Inject
    public VerifiedJwts(DefaultJWTParser parser, JWTAuthContextInfo context,
                        @ConfigProperty(name = "casetrail.jwt.verified-for", defaultValue = "PT5M") Duration keptFor) {
        this(parser, context.getClockSkew(), context.getTokenAge(), keptFor.toSeconds());
    }

    VerifiedJwts(JWTParser parser, long clockSkewSeconds, Long tokenAgeSeconds, long keptSeconds) {
        this.parser = parser;
        this.clockSkewSeconds = clockSkewSeconds;
        this.tokenAgeSeconds = tokenAgeSeconds;
        this.keptSeconds = keptSeconds;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        // whole seconds of the system clock, as the parser's own expiry check counts them
        long now = System.currentTimeMillis() / 1000;
        Verified known = verified.get(token);
        if (known != null) {
            if (now < known.refusedFromSecond()) {
                return known.token();
            }
            verified.remove(token, known);
        }
        // its claims looked up once for all the requests it comes with (KeptClaims)
        JsonWebToken checked = KeptClaims.of(parser.parse(token));
        if (checked.getGroups() != null && checked.getGroups().contains(Roles.IMPERSONATION)) {
            // that role comes with an impersonation session's own token (Authorization: Session), never from the
            // identity provider: a bearer token naming it is no caller's
            throw new ParseException("a bearer token does not carry the " + Roles.IMPERSONATION + " role");
        }
        if (customerAndVendor(checked.getGroups())) {
            // a customer is bound to its org, the vendor's staff to none (DOMAIN.md: every role is on one side): a
            // token of both would read every org's records as the vendor while filed under one org as a customer
            throw new ParseException("a token carries customer roles (" + Roles.CUSTOMER + ") or the vendor's, not"
                    + " both");
        }
        String unkeepable = unkeepableIdClaim(checked);
        if (unkeepable != null) {
            // these are recorded in events and read models as they are: text PostgreSQL cannot keep would stop
            // every projection an event of the caller's reaches
            throw new ParseException(unkeepable);
        }
        long expires = checked.getExpirationTime();
        if (expires > 0) {
            // from then on the full check decides again (it would refuse an expired token, or one older than
            // mp.jwt.verify.token.age where that is set)
            // and at most keptSeconds from now: the keys it was checked against may be withdrawn
            long until = Math.min(expires + clockSkewSeconds, now + keptSeconds);
            if (tokenAgeSeconds != null) {
                until = Math.min(until, checked.getIssuedAtTime() + tokenAgeSeconds + clockSkewSeconds);
            }
            if (verified.size() >= MAX_TOKENS) {
                verified.clear();
            }
            verified.put(token, new Verified(checked, until));
        }
        return checked;
    }

    /**
     * Why the token's ids cannot be taken, or null: a token names its principal ({@code sub}, at most 255
     * characters), a customer's names its org ({@code org_id}, at most 255 characters), and its ids ({@code sub},
     * {@code org_id}, {@code teams}) hold no NUL and no half of a surrogate pair.
     */
    static String unkeepableIdClaim(JsonWebToken token) {
        if (token.getSubject() == null || token.getSubject().isBlank()) {
            return "a bearer token names its principal (claim sub)";
        }
        if (token.getSubject().length() > CallerProducer.MAX_ID) {
            return "a bearer token's sub is at most " + CallerProducer.MAX_ID + " characters";
        }
        if (Roles.anyCustomer(token.getGroups())) {
            String org = CallerProducer.stringClaim(token, CallerProducer.ORG_CLAIM);
            if (org == null || org.isBlank()) {
                return "a customer's token names its org (claim org_id)";
            }
            if (org.length() > CallerProducer.MAX_ID) {
                return "a customer's org_id is at most " + CallerProducer.MAX_ID + " characters";
            }
        }
        List<String> ids = new ArrayList<>(CallerProducer.teams(token));
        ids.add(token.getSubject());
        ids.add(CallerProducer.stringClaim(token, CallerProducer.ORG_CLAIM));
        for (String id : ids) {
            if (id != null && (id.indexOf('\u0000') >= 0 || RequestJson.halfASurrogatePair(id))) {
                return "a token's sub, org_id and teams hold no NUL and no half of a surrogate pair";
            }
        }
        return null;
    }

    /** Whether the groups hold a customer role and a vendor role. */
    static boolean customerAndVendor(java.util.Set<String> groups) {
        return Roles.anyCustomer(groups)
                && groups.stream().anyMatch(group -> Roles.ALL.contains(group) && !Roles.CUSTOMER.contains(group));
    }

    /** How many verified tokens are kept (tests). */
    int size() {
        return verified.size();
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return parser.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return parser.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return parser.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return parser.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return parser.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return parser.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return parser.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return parser.parseOnly(token);
    }
}
