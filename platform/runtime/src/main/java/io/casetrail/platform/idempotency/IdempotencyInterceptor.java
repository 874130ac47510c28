package io.casetrail.platform.idempotency;

import java.lang.reflect.Method;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.platform.errors.DomainException;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.errors.RuleViolation;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.vertx.core.http.HttpServerRequest;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Runs an {@link Idempotent} endpoint and its first answer in one JTA transaction: the key is claimed, the
 * command runs (Axon joins the transaction, so its events are appended in it), and the answer is stored, all or
 * nothing. A retry with the same key and the same request gets the stored answer back, marked
 * {@code Idempotent-Replayed: true}. A key reused for a different request is refused (422); a retry that arrives
 * while the first is still running waits for it on the key's row lock, then gets its answer.
 *
 * <p>Keys are scoped to the principal, so two clients cannot see each other's answers. A refused command
 * (4xx) rolls back and stores nothing: it changed nothing, and a retry is evaluated afresh.
 */
@Idempotent
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_AFTER + 100)
public class IdempotencyInterceptor {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    private static final int MAX_KEY_LENGTH = 255;

    @Inject
    IdempotencyStore store;

    @Inject
    HttpServerRequest request;

    @Inject
    JsonWebToken jwt;

    @Inject
    ObjectMapper objectMapper;

    @AroundInvoke
    Object aroundCommand(InvocationContext ctx) throws Exception {
        String key = request.getHeader(HEADER);
        if (key == null) {
            return ctx.proceed();
        }
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            throw new InvalidInput(HEADER + " must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        Method method = ctx.getMethod();
        if (!Response.class.equals(method.getReturnType())) {
            throw new IllegalStateException(method + " is @Idempotent but does not return a Response");
        }
        String principal = jwt == null || jwt.getSubject() == null ? "anonymous" : jwt.getSubject();
        String fingerprint = fingerprint(ctx);

        Optional<IdempotencyStore.StoredAnswer> earlier = store.find(principal, key);
        if (earlier.isPresent()) {
            return replay(earlier.get(), fingerprint);
        }
        try {
            return QuarkusTransaction.joiningExisting().call(() -> {
                store.claim(principal, key, fingerprint);
                Response answer = (Response) ctx.proceed();
                store.complete(principal, key, answer.getStatus(), location(answer), body(answer));
                return answer;
            });
        } catch (DomainException e) {
            throw e;
        } catch (Exception e) {
            if (store.isDuplicateKey(e)) {
                // a concurrent first request with this key committed while we ran: answer as it did
                return replay(store.find(principal, key).orElseThrow(() -> e), fingerprint);
            }
            throw e;
        }
    }

    private Response replay(IdempotencyStore.StoredAnswer answer, String fingerprint) {
        if (!answer.fingerprint().equals(fingerprint)) {
            throw new KeyReused();
        }
        Response.ResponseBuilder builder = Response.status(answer.status()).header(REPLAYED_HEADER, "true");
        if (answer.location() != null) {
            builder.location(URI.create(answer.location()));
        }
        if (answer.body() != null) {
            builder.entity(answer.body()).type(answer.contentType());
        }
        return builder.build();
    }

    private String fingerprint(InvocationContext ctx) throws Exception {
        MessageDigest digest = sha256();
        digest.update(request.method().name().getBytes(StandardCharsets.UTF_8));
        digest.update(request.path().getBytes(StandardCharsets.UTF_8));
        for (Object parameter : ctx.getParameters()) {
            if (parameter == null || parameter instanceof java.io.InputStream || parameter instanceof HttpHeaders) {
                continue;
            }
            digest.update(objectMapper.writeValueAsBytes(parameter));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private String body(Response answer) throws Exception {
        Object entity = answer.getEntity();
        if (entity == null) {
            return null;
        }
        return entity instanceof String s ? s : objectMapper.writeValueAsString(entity);
    }

    private static String location(Response answer) {
        return answer.getLocation() == null ? null : answer.getLocation().toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same key came with a different request. */
    static final class KeyReused extends RuleViolation {
        KeyReused() {
            super("idempotency-key-reused", HEADER + " was already used for a different request; use a new key");
        }

        @Override
        public int status() {
            return 422;
        }

        @Override
        public String title() {
            return "Idempotency key reused";
        }
    }

    static boolean isSqlDuplicate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
