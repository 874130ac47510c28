package io.casetrail.platform.security;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.EventCatalog;
import io.casetrail.events.EventJson;
import io.casetrail.events.Topics;
import io.casetrail.events.access.ApiTokenCreated;
import io.casetrail.events.access.ApiTokenRevoked;
import io.casetrail.platform.kafka.CloudEventConsumer;
import io.casetrail.platform.store.Jdbc;
import io.quarkus.arc.lookup.LookupIfProperty;

/**
 * The org API tokens every identity-platform endpoint accepts, kept in each such service from the token events of
 * {@code casetrail.access.v1} (table {@code api_token_registry}: hashes only). Enabled in a service with
 * {@code casetrail.api-tokens.enabled=true}; a token works there moments after it was created, and is refused
 * moments after it was revoked. The service that issues tokens also records both here in the transaction of the
 * event ({@link #created}, {@link #revoked}), so there they take effect at once; the same events arriving from
 * the topic later change nothing. A revoked token's row stays, marked, so that no creation applied after it can
 * make the token work again.
 */
@Singleton
@LookupIfProperty(name = "casetrail.api-tokens.enabled", stringValue = "true")
public class ApiTokenRegistry implements CloudEventConsumer {

    /** An active token. */
    public record RegisteredToken(String tokenId, String orgId, String name, String role, String createdBy,
                                  String createdByName) {
    }

    private static final ObjectMapper JSON = EventJson.newMapper();
    private static final String CREATED = EventCatalog.typeOf(ApiTokenCreated.class);
    private static final String REVOKED = EventCatalog.typeOf(ApiTokenRevoked.class);

    private final Jdbc jdbc;
    private final Clock clock;

    public ApiTokenRegistry(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "api-token-registry";
    }

    @Override
    public Collection<String> topics() {
        return List.of(Topics.ACCESS);
    }

    @Override
    public void apply(CloudEvent event) throws Exception {
        if (CREATED.equals(event.type())) {
            created(JSON.readValue(new String(event.data(), StandardCharsets.UTF_8), ApiTokenCreated.class),
                    event.time() == null ? clock.instant() : event.time());
        } else if (REVOKED.equals(event.type())) {
            revoked(JSON.readValue(new String(event.data(), StandardCharsets.UTF_8), ApiTokenRevoked.class),
                    event.time() == null ? clock.instant() : event.time());
        }
    }

    /** Registers a created token, unless it is known already (active or revoked), in the caller's transaction. */
    public void created(ApiTokenCreated created, Instant at) {
        if (jdbc.queryOne("SELECT 1 FROM api_token_registry WHERE token_id = ?", row -> true, created.tokenId())
                .isPresent()) {
            return;
        }
        jdbc.update("INSERT INTO api_token_registry (token_hash, token_id, org_id, name, role, created_by,"
                        + " created_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", created.tokenHash(),
                created.tokenId(), created.orgId(), created.name(), created.role(), created.actor().id(),
                created.actor().displayName(), at);
    }

    /** Marks a token revoked, in the caller's transaction; it is refused from then on. */
    public void revoked(ApiTokenRevoked revoked, Instant at) {
        jdbc.update("UPDATE api_token_registry SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
                at, revoked.tokenId());
    }

    /** When the token was created, as registered (its creation event's time), if it is known here. */
    public Optional<Instant> createdAt(String tokenId) {
        return jdbc.queryOne("SELECT created_at FROM api_token_registry WHERE token_id = ?",
                row -> Jdbc.instant(row, "created_at"), tokenId);
    }

    /** The active token with this secret, if any. */
    public Optional<RegisteredToken> find(String secret) {
        return jdbc.queryOne("SELECT token_id, org_id, name, role, created_by, created_by_name FROM api_token_registry"
                        + " WHERE token_hash = ? AND revoked_at IS NULL", row -> new RegisteredToken(row.getString(1), row.getString(2),
                        row.getString(3), row.getString(4), row.getString(5), row.getString(6)),
                ApiTokens.hash(secret));
    }
}
