package io.casetrail.platform.idempotency;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Callable;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.platform.api.BlockingPart;
import io.casetrail.platform.axon.ConflictRetry;
import io.casetrail.platform.errors.DomainException;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.security.CallerProducer;
import io.casetrail.platform.security.SswsAuthentication;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.vertx.core.http.HttpServerRequest;


/**
 * Runs an {@link Idempotent} endpoint and its first answer in one JTA transaction: the key is claimed, the
 * command runs (Axon joins the transaction, so its events are appended in it), and the answer is stored, all or
 * nothing. An endpoint that reads a streamed body has no transaction around it: its writes, the claim and the answer
 * share the one it opens with {@link IdempotentWrites#commit} once the body is read. A retry with the same key and the same request gets the stored answer back, marked
 * {@code Idempotent-Replayed: true}. A key reused for a different request is refused (422); a retry that arrives
 * while the first is still running waits for it on the key's row lock, then gets its answer. "The same request":
 * method, path and parameters, and a streamed body (an upload) byte for byte.
 *
 * <p>Keys are scoped to the principal, so two clients cannot see each other's answers. A refused command
 * (4xx) rolls back and stores nothing: it changed nothing, and a retry is evaluated afresh. An error the endpoint
 * answers itself (a refusal it records, such as an admin action refused for want of consent) commits what it
 * recorded and its answer: a retry gets that answer and records nothing again (ARCHITECTURE.md: a retried key
 * returns the first answer); trying again once consent is given is a new request, with a new key.
 */
@Idempotent
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_AFTER + 100)
public class IdempotencyInterceptor {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    private static final int MAX_KEY_LENGTH = 255;
    /** The store's principal column. */
    private static final int MAX_PRINCIPAL_LENGTH = 255;

    @Inject
    IdempotencyStore store;

    @Inject
    HttpServerRequest request;

    @Inject
    SecurityIdentity identity;

    @Inject
    ObjectMapper objectMapper;

    @Inject
    IdempotentWrites streamed;

    /**
     * Whose keys: the caller's org (a customer's token's, an org API token's) and id, so two orgs' principals with
     * one subject, or two API tokens, never answer each other's retries. Too long for the column: its SHA-256.
     */
    private String keySpace() {
        if (identity == null || identity.isAnonymous()) {
            return "anonymous";
        }
        // an org API token is a caller of its own, whoever created it
        Object token = identity.getAttribute(SswsAuthentication.TOKEN_ATTRIBUTE);
        String id = token != null ? "api-token:" + token : CallerProducer.idOf(identity);
        String org = CallerProducer.orgOf(identity);
        String space = (org == null ? "" : org + "/") + id;
        return space.length() <= MAX_PRINCIPAL_LENGTH ? space
                : "sha256:" + HexFormat.of().formatHex(sha256().digest(space.getBytes(StandardCharsets.UTF_8)));
    }

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
        Class<?> answerType = BlockingPart.answerType(method);
        boolean typed = RestResponse.class.equals(answerType);
        if (!typed && !Response.class.equals(answerType)) {
            throw new IllegalStateException(method + " is @Idempotent but answers with neither a Response nor a"
                    + " RestResponse (nor a CompletionStage of one)");
        }
        if (BlockingPart.nonBlocking(method) && io.vertx.core.Context.isOnEventLoopThread()) {
            throw new IllegalStateException(method + " is non-blocking: its keyed requests must come to this"
                    + " interceptor on a worker thread (TransactionRetry sends them there)");
        }
        return BlockingPart.asAnswerOf(method, keyed(ctx, key, typed));
    }

    /** A request with an Idempotency-Key, on a thread that may wait: the endpoint's answer itself (no stage). */
    private Object keyed(InvocationContext ctx, String key, boolean typed) throws Exception {
        Method method = ctx.getMethod();
        String principal = keySpace();
        String fingerprint = fingerprint(ctx);
        // a streamed body (an upload) is part of the request too: it is digested as it is read
        DigestedBody body = digestingBody(ctx);
        try {
            Optional<IdempotencyStore.StoredAnswer> earlier = store.find(principal, key);
            if (earlier.isPresent()) {
                return replay(earlier.get(), withBody(fingerprint, body), typed);
            }
            if (body != null) {
                // no transaction while a streamed body arrives: the endpoint writes through IdempotentWrites
                streamed.claimWith(writes -> claimed(principal, key, fingerprint, body, writes));
                Object answer = ctx.proceed();
                if (asResponse(answer).getStatus() < 400 && !streamed.committed()) {
                    throw new IllegalStateException(method + " reads a streamed body and answered without writing"
                            + " through IdempotentWrites.commit: its key would not be kept");
                }
                return answer;
            }
            return QuarkusTransaction.joiningExisting().call(() -> claimed(principal, key, fingerprint, null,
                    () -> BlockingPart.await(ctx.proceed())));
        } catch (DomainException e) {
            throw e;
        } catch (Exception e) {
            if (ConflictRetry.isConflict(e)) {
                throw e; // a race for an aggregate (its events' key), not for this key: TransactionRetry's to run again
            }
            if (store.isDuplicateKey(e)) {
                // a concurrent first request with this key committed while we ran: answer as it did. The refused
                // insert spoiled the endpoint's own transaction, if it has one (PostgreSQL refuses every statement
                // after it): that one only rolls back, and the answer is read in a transaction of its own
                if (QuarkusTransaction.isActive()) {
                    QuarkusTransaction.setRollbackOnly();
                }
                Optional<IdempotencyStore.StoredAnswer> first = QuarkusTransaction.requiringNew()
                        .call(() -> store.find(principal, key));
                return replay(first.orElseThrow(() -> e), withBody(fingerprint, body), typed);
            }
            throw e;
        } finally {
            if (body != null) {
                body.release();
            }
        }
    }

    /** In the caller's transaction: claims the key, runs the endpoint's work and stores its answer. */
    private <A> A claimed(String principal, String key, String fingerprint, DigestedBody body,
                          Callable<A> work) throws Exception {
        store.claim(principal, key, fingerprint);
        A answer = work.call();
        Response stored = asResponse(answer);
        // a refusal the endpoint answers itself has recorded it (a consented action refused for want of consent):
        // kept like any answer, so that a retry is not recorded again
        store.complete(principal, key, withBody(fingerprint, body), stored.getStatus(), location(stored),
                body(stored));
        return answer;
    }

    /** The endpoint's answer, typed by its body ({@link RestResponse}) or not. */
    private static Response asResponse(Object answer) {
        return answer instanceof RestResponse<?> typed ? typed.toResponse() : (Response) answer;
    }

    /** The endpoint's streamed body parameter, replaced by one that digests what is read of it; or null. */
    private static DigestedBody digestingBody(InvocationContext ctx) {
        Object[] parameters = ctx.getParameters();
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] instanceof InputStream stream) {
                DigestedBody digesting = new DigestedBody(stream);
                parameters[i] = digesting;
                ctx.setParameters(parameters);
                return digesting;
            }
        }
        return null;
    }

    /** The fingerprint with the digest of the whole streamed body. */
    private static String withBody(String fingerprint, DigestedBody body) throws IOException {
        if (body == null) {
            return fingerprint;
        }
        MessageDigest digest = sha256();
        digest.update(fingerprint.getBytes(StandardCharsets.UTF_8));
        digest.update(body.digest());
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * A streamed body that digests what is read; the endpoint's {@code close} is put off until the interceptor has
     * read what the endpoint left (an endpoint that accepts a body reads it all).
     */
    private static final class DigestedBody extends DigestInputStream {

        private byte[] digest;

        DigestedBody(InputStream body) {
            super(body, sha256());
        }

        @Override
        public void close() {
            // closed in digest()
        }

        /** Closes the body, read or not. */
        void release() {
            try {
                super.close();
            } catch (IOException e) {
                // the request is over; nothing to keep
            }
        }

        /** Reads the rest, closes the body and returns the digest of all of it (the same on every call). */
        byte[] digest() throws IOException {
            if (digest == null) {
                transferTo(OutputStream.nullOutputStream());
                super.close();
                digest = getMessageDigest().digest();
            }
            return digest;
        }
    }

    /** The stored answer again, as the endpoint's type of answer: its body is the stored JSON, written as is. */
    private static Object replay(IdempotencyStore.StoredAnswer answer, String fingerprint, boolean typed) {
        if (!answer.fingerprint().equals(fingerprint)) {
            throw new KeyReused();
        }
        RestResponse.ResponseBuilder<Object> builder = RestResponse.ResponseBuilder.create(answer.status())
                .header(REPLAYED_HEADER, "true");
        if (answer.location() != null) {
            builder.location(URI.create(answer.location()));
        }
        if (answer.body() != null) {
            builder.entity(answer.body()).type(answer.contentType());
        }
        return typed ? builder.build() : builder.build().toResponse();
    }

    private String fingerprint(InvocationContext ctx) throws Exception {
        MessageDigest digest = sha256();
        digest.update(request.method().name().getBytes(StandardCharsets.UTF_8));
        digest.update(request.path().getBytes(StandardCharsets.UTF_8));
        for (Object parameter : ctx.getParameters()) {
            // the request's context is not its parameters: its headers, its address (host, port, the query as
            // written: the parameters it names are among the method's own) and a body read as it streams
            if (parameter == null || parameter instanceof InputStream || parameter instanceof HttpHeaders
                    || parameter instanceof UriInfo) {
                continue;
            }
            digest.update(objectMapper.writeValueAsBytes(parameter));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private String body(Response answer) throws Exception {
        Object entity = answer.getEntity() instanceof Unrepeatable once ? once.repeated() : answer.getEntity();
        if (entity == null) {
            return null;
        }
        return entity instanceof String s ? s : objectMapper.writeValueAsString(entity);
    }

    /**
     * The path the answer's {@code Location} names, without the scheme and host the framework put before it: those
     * are the request's, as long as any client sends (a Host of 2,100 characters overflowed the record's column),
     * and a replay is made absolute again against its own request.
     */
    private static String location(Response answer) {
        URI location = answer.getLocation();
        if (location == null || !location.isAbsolute() || location.getRawPath() == null) {
            return location == null ? null : location.toString();
        }
        return location.getRawPath() + (location.getRawQuery() == null ? "" : "?" + location.getRawQuery());
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
