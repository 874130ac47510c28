package io.casetrail.logs.systemlog;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.casetrail.events.Actor;
import io.casetrail.events.CloudEvent;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.RequestOrigin;
import io.casetrail.events.access.ApiTokenCreated;
import io.casetrail.events.access.ApiTokenRevoked;
import io.casetrail.events.access.GrantScope;
import io.casetrail.events.access.ImpersonationEnded;
import io.casetrail.events.access.ImpersonationStarted;
import io.casetrail.events.access.SessionWriteRefused;
import io.casetrail.events.access.SupportAccessExpired;
import io.casetrail.events.access.SupportAccessExtended;
import io.casetrail.events.access.SupportAccessGranted;
import io.casetrail.events.access.SupportAccessRevoked;
import io.casetrail.events.orgadmin.ActionKind;
import io.casetrail.events.orgadmin.AdminActionRefused;
import io.casetrail.events.orgadmin.FeatureFlagChanged;
import io.casetrail.events.orgadmin.ImpersonationWriteRefused;
import io.casetrail.events.orgadmin.MfaFactorsReset;
import io.casetrail.events.orgadmin.OrgResearched;
import io.casetrail.events.orgadmin.PasswordResetSent;
import io.casetrail.events.orgadmin.TemporaryPasswordSent;

/**
 * Turns the domain events a customer's System Log shows into the identity platform's {@code LogEvent} JSON, with the
 * event types, display messages and legacy event types of its catalogue (reference: okta-apis.md §3). Everything
 * in an entry comes from the event itself: replaying a topic builds the same entries.
 *
 * <ul>
 *   <li>consented admin actions → {@code user.account.reset_password}, {@code user.account.expire_password}
 *       (temporary password, {@code temp_password_set}, {@code session_revocation}),
 *       {@code user.mfa.factor.reset_all}, {@code system.feature.enable|disable}; a refused action → the same type
 *       with outcome {@code DENY};</li>
 *   <li>research → {@code support.org.view}; a write refused during impersonation → {@code support.org.update}
 *       with outcome {@code DENY};</li>
 *   <li>grant, extension, revocation → {@code user.session.impersonation.grant|extend|revoke}; a grant that
 *       expires is recorded as {@code user.session.impersonation.revoke} by the system, outcome reason
 *       {@code GRANT_EXPIRED} (the identity platform has no expiry event), and a case's own grant ended as its case
 *       closed as {@code user.session.impersonation.revoke} by the system, outcome reason {@code CASE_CLOSED};</li>
 *   <li>session start and end → {@code user.session.impersonation.initiate|end}, with the engineer as
 *       {@code debugContext.debugData.originalPrincipal};</li>
 *   <li>org API tokens → {@code system.api_token.create|revoke}.</li>
 * </ul>
 * Every support entry names the cases it concerns as {@code SupportCase} targets, and its case in
 * {@code debugContext.debugData.case_number}, one case number as on the platform: an org-wide grant covering several
 * open cases names them as targets only. The display messages are the platform's own, word for word, where it has
 * the event (rules match them exactly); who acted and on which consent are in {@code actor} and {@code debugData}.
 */
public final class LogEventMapper {

    /** A System Log entry ready to store. */
    public record LogRecord(String uuid, String orgId, Instant published, String eventType, String severity,
                            String actorId, String outcomeResult, ObjectNode body, List<String> targetIds) {
    }

    /** The identity platform's timestamp form: UTC, always with milliseconds ({@code 2024-08-13T15:58:20.353Z}). */
    public static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * The legacy event type of each event type that has one in the catalogue: one for each, whatever the outcome (a
     * refused reset is {@code core.user.config.user_status.password_reset} too, as a rule keyed on legacy types
     * expects).
     */
    static final Map<String, String> LEGACY_TYPES = Map.ofEntries(
            Map.entry("user.session.impersonation.grant", "core.user.impersonation.grant.enabled"),
            Map.entry("user.session.impersonation.extend", "core.user.impersonation.grant.extended"),
            Map.entry("user.session.impersonation.revoke", "core.user.impersonation.grant.revoked"),
            Map.entry("user.session.impersonation.initiate", "core.user.impersonation.session.initiated"),
            Map.entry("user.session.impersonation.end", "core.user.impersonation.session.ended"),
            Map.entry("system.api_token.create", "api.token.create"),
            Map.entry("system.api_token.revoke", "api.token.revoke"),
            Map.entry("user.account.reset_password", "core.user.config.user_status.password_reset"),
            Map.entry("user.mfa.factor.reset_all", "core.user.factor.reset_all"),
            Map.entry("system.feature.enable", "core.feature.enable"),
            Map.entry("system.feature.disable", "core.feature.disable"));

    /** The longest org id an entry is filed under ({@code system_log_event.org_id}). */
    static final int MAX_ORG_ID = 255;

    private final ObjectMapper json;

    /** The target type naming a case an entry concerns. */
    public static final String SUPPORT_CASE = "SupportCase";

    public LogEventMapper(ObjectMapper json) {
        this.json = json;
    }

    public Optional<LogRecord> map(CloudEvent envelope, DomainEvent event) {
        if (envelope.orgId() == null || event.orgId() == null || event.orgId().length() > MAX_ORG_ID
                || event.orgId().indexOf('\u0000') >= 0) {
            // an event of no org its store can file it under (no ce_orgid, no org in its payload, whose org the entry
            // is filed under, or one longer than any org id or with NUL): no entry, as of an event that is none; one
            // the database refused would stop the System Log for good
            return Optional.empty();
        }
        Instant published = (envelope.time() == null ? Instant.EPOCH : envelope.time()).truncatedTo(ChronoUnit.MILLIS);
        Entry entry = new Entry(envelope, published);
        if (event instanceof SupportAccessGranted e) {
            entry.type("user.session.impersonation.grant", "Enable impersonation grant")
                    .actor(e.actor()).origin(e.origin()).grantTarget(e.grantId(), e.scope(), e.expiresAt())
                    .cases(e.coveredCases());
        } else if (event instanceof SupportAccessExtended e) {
            entry.type("user.session.impersonation.extend", "Extend impersonation session")
                    .actor(e.actor()).origin(e.origin()).grantTarget(e.grantId(), e.scope(), e.expiresAt())
                    .cases(e.coveredCases());
        } else if (event instanceof SupportAccessRevoked e) {
            entry.type("user.session.impersonation.revoke", "Revoke impersonation grant")
                    .actor(e.actor()).origin(e.origin()).grantTarget(e.grantId(), e.scope(), null)
                    .cases(e.coveredCases());
            if (e.actor().kind() == Actor.Kind.SYSTEM) {
                entry.reason("CASE_CLOSED"); // the system revokes only a case's own grant, as its case closes
            }
        } else if (event instanceof SupportAccessExpired e) {
            entry.type("user.session.impersonation.revoke", "Revoke impersonation grant")
                    .actor(e.actor()).origin(RequestOrigin.NONE).grantTarget(e.grantId(), e.scope(), e.expiredAt())
                    .cases(e.coveredCases()).reason("GRANT_EXPIRED");
        } else if (event instanceof ImpersonationStarted e) {
            entry.type("user.session.impersonation.initiate", "Initiate impersonation session")
                    .actor(e.actor()).origin(e.origin()).sessionTarget(e.sessionId(), e.endsAt())
                    .cases(List.of(e.caseNumber())).originalPrincipal(e.actor().id(), e.actor().displayName());
        } else if (event instanceof ImpersonationEnded e) {
            entry.type("user.session.impersonation.end", "End impersonation session")
                    .actor(e.actor()).origin(e.origin()).sessionTarget(e.sessionId(), null)
                    .cases(List.of(e.caseNumber())).originalPrincipal(e.engineer(), e.engineer())
                    .reason(e.reason().name());
        } else if (event instanceof ApiTokenCreated e) {
            entry.type("system.api_token.create", "Create API token")
                    .actor(e.actor()).origin(RequestOrigin.NONE).target(e.tokenId(), "Token", e.name(), e.name());
        } else if (event instanceof ApiTokenRevoked e) {
            entry.type("system.api_token.revoke", "Revoke API token")
                    .actor(e.actor()).origin(RequestOrigin.NONE).target(e.tokenId(), "Token", e.tokenId(), null);
        } else if (event instanceof PasswordResetSent e) {
            entry.type("user.account.reset_password", "Reset password for user")
                    .actor(e.actor()).origin(RequestOrigin.NONE).user(e.userId(), e.userLogin())
                    .cases(List.of(e.caseNumber())).consent(e.consentId());
        } else if (event instanceof TemporaryPasswordSent e) {
            entry.type("user.account.expire_password",
                            "Expire password with a temporary password")
                    .actor(e.actor()).origin(RequestOrigin.NONE).user(e.userId(), e.userLogin())
                    .cases(List.of(e.caseNumber())).consent(e.consentId()).debug("temp_password_set", "true")
                    // the user's sessions stay (support never revokes them); the catalogue's key says so
                    .debug("session_revocation", "false");
        } else if (event instanceof MfaFactorsReset e) {
            entry.type("user.mfa.factor.reset_all", "Reset all factors for user")
                    .actor(e.actor()).origin(RequestOrigin.NONE).user(e.userId(), e.userLogin())
                    .cases(List.of(e.caseNumber())).consent(e.consentId())
                    .debug("factors", String.join(",", e.factorTypes()));
        } else if (event instanceof FeatureFlagChanged e) {
            entry.type(e.enabled() ? "system.feature.enable" : "system.feature.disable",
                            (e.enabled() ? "Enable" : "Disable") + " feature " + e.flagName())
                    .actor(e.actor()).origin(RequestOrigin.NONE).target(e.flagId(), "Feature", e.flagId(),
                            e.flagName())
                    .cases(List.of(e.caseNumber())).consent(e.consentId()).debug("featureName", e.flagName())
                    .debug("forced", String.valueOf(e.forced()));
        } else if (event instanceof AdminActionRefused e) {
            entry.type(refusedType(e.kind(), e.enable()), "Support action refused: no live consent")
                    .actor(e.actor()).origin(RequestOrigin.NONE)
                    .target(e.target(), e.kind() == ActionKind.FEATURE_FLAG ? "Feature" : "User",
                            e.targetLogin() == null ? e.target() : e.targetLogin(), e.targetLogin())
                    .cases(List.of(e.caseNumber())).outcome("DENY", "NO_CONSENT").debug("reason", e.reason());
        } else if (event instanceof ImpersonationWriteRefused e) {
            readOnlyRefusal(entry, e.actor(), e.sessionId(), e.caseNumber(), e.method() + " " + e.path());
        } else if (event instanceof SessionWriteRefused e) {
            readOnlyRefusal(entry, e.actor(), e.sessionId(), e.caseNumber(), e.method() + " " + e.path());
        } else if (event instanceof OrgResearched e) {
            entry.type("support.org.view", "Support viewed " + e.resource() + " of the org")
                    .actor(e.actor()).origin(RequestOrigin.NONE).cases(List.of(e.caseNumber()))
                    .debug("supportAction", supportAction("view_" + e.resource(), true, e.query(),
                            "customer_initiated_support", "case " + e.caseNumber()));
        } else {
            return Optional.empty();
        }
        return Optional.of(entry.record(event.orgId()));
    }

    /**
     * A change tried during a read-only impersonation session, refused (of the org, or of its support access): the
     * request ({@code POST /path}) as the support action.
     */
    private void readOnlyRefusal(Entry entry, Actor actor, String sessionId, String caseNumber, String request) {
        entry.type("support.org.update", "Change during read-only impersonation refused")
                .actor(actor).origin(RequestOrigin.NONE).sessionTarget(sessionId, null)
                .cases(List.of(caseNumber)).outcome("DENY", "READ_ONLY_IMPERSONATION")
                .debug("supportAction", supportAction(request, false, null, "impersonation", "read-only"))
                .originalPrincipal(actor.id(), actor.displayName());
    }

    /**
     * The {@code supportAction} debug value: a JSON object, built as one (its values come from requests: a path
     * with quotes in it stays a string), with the research's {@code query} where there is one.
     */
    private String supportAction(String type, boolean withQuery, String query, String reasonType,
                                 String reasonDetail) {
        ObjectNode action = json.createObjectNode().put("type", type);
        if (withQuery) {
            action.put("query", query);
        }
        action.putObject("reason").put("type", reasonType).put("detail", reasonDetail);
        return action.toString();
    }

    /**
     * The event type a refused action is recorded under: the action's own, with outcome DENY (a flag refusal from
     * before the event said which way, {@code enable} null, as enable).
     */
    private static String refusedType(ActionKind kind, Boolean enable) {
        return switch (kind) {
            case RESET_PASSWORD -> "user.account.reset_password";
            case TEMPORARY_PASSWORD -> "user.account.expire_password";
            case RESET_MFA -> "user.mfa.factor.reset_all";
            case FEATURE_FLAG -> Boolean.FALSE.equals(enable) ? "system.feature.disable" : "system.feature.enable";
        };
    }

    /** Builds one LogEvent in the identity platform's field order. */
    private final class Entry {
        private final ObjectNode body = json.createObjectNode();
        private final ObjectNode debugData;
        private final ArrayNode targets;
        private final ObjectNode outcome;
        private final CloudEvent envelope;
        private final Instant published;
        private String eventType;
        private String actorId;

        Entry(CloudEvent envelope, Instant published) {
            this.envelope = envelope;
            this.published = published;
            body.put("uuid", envelope.id());
            body.put("published", TIMESTAMP.format(published));
            body.putNull("eventType");
            body.put("version", "0");
            body.put("severity", "INFO");
            body.putNull("legacyEventType");
            body.putNull("displayMessage");
            // every key of the identity platform's LogEvent is there, null where it has no value, as its own
            // answers have them: a client reading e["client"]["ipAddress"] finds null, not a missing key
            ObjectNode actor = body.putObject("actor");
            for (String key : List.of("id", "type", "alternateId", "displayName", "detailEntry")) {
                actor.putNull(key);
            }
            ObjectNode client = body.putObject("client");
            for (String key : List.of("userAgent", "zone", "device", "id", "ipAddress", "geographicalContext")) {
                client.putNull(key);
            }
            body.putObject("request").putArray("ipChain");
            outcome = body.putObject("outcome");
            outcome.put("result", "SUCCESS");
            outcome.putNull("reason");
            targets = body.putArray("target");
            ObjectNode transaction = body.putObject("transaction");
            transaction.put("type", "WEB");
            transaction.put("id", envelope.correlationId());
            transaction.putObject("detail");
            debugData = body.putObject("debugContext").putObject("debugData");
            debugData.put("requestId", envelope.correlationId());
            ObjectNode authentication = body.putObject("authenticationContext");
            for (String key : List.of("authenticationProvider", "credentialProvider", "credentialType", "issuer",
                    "interface")) {
                authentication.putNull(key);
            }
            authentication.put("authenticationStep", 0);
            authentication.putNull("externalSessionId");
            ObjectNode security = body.putObject("securityContext");
            security.putNull("asNumber");
            security.putNull("asOrg");
            security.putNull("isp");
            security.putNull("domain");
            security.putNull("isProxy");
        }

        Entry type(String type, String message) {
            eventType = type;
            body.put("eventType", type);
            body.put("legacyEventType", LEGACY_TYPES.get(type));
            body.put("displayMessage", message);
            return this;
        }

        Entry actor(Actor actor) {
            ObjectNode node = (ObjectNode) body.get("actor");
            actorId = actor.id();
            node.put("id", actor.id());
            node.put("type", actor.kind() == Actor.Kind.SYSTEM ? "SystemPrincipal" : "User");
            node.put("alternateId", actor.id());
            node.put("displayName", actor.displayName());
            node.putObject("detailEntry").put("role", actor.role()).put("side", actor.kind().name());
            if (actor.kind() == Actor.Kind.SYSTEM) {
                ((ObjectNode) body.get("transaction")).put("type", "JOB");
            }
            return this;
        }

        Entry origin(RequestOrigin origin) {
            if (origin != null && origin.apiTokenId() != null) { // as the platform names it, for filter and q
                ((ObjectNode) body.get("transaction").get("detail")).put("requestApiTokenId", origin.apiTokenId());
            }
            if (origin == null || origin.ipAddress() == null) {
                return this;
            }
            ObjectNode client = (ObjectNode) body.get("client");
            ObjectNode agent = client.putObject("userAgent");
            agent.put("rawUserAgent", origin.userAgent());
            agent.put("os", "Unknown");
            agent.put("browser", "UNKNOWN");
            client.put("device", "Unknown");
            client.put("ipAddress", origin.ipAddress());
            ObjectNode hop = ((ArrayNode) body.get("request").get("ipChain")).addObject();
            hop.put("ip", origin.ipAddress());
            hop.putNull("geographicalContext");
            hop.put("version", origin.ipAddress().contains(":") ? "V6" : "V4");
            hop.putNull("source");
            return this;
        }

        Entry grantTarget(String grantId, GrantScope scope, Instant expiresAt) {
            ObjectNode target = addTarget(grantId, "ImpersonationGrant", grantId,
                    scope == GrantScope.ORG ? "Support access (org-wide)" : "Support access for a case");
            ObjectNode detail = target.putObject("detailEntry");
            detail.put("scope", scope.name());
            if (expiresAt != null) {
                detail.put("expiration", TIMESTAMP.format(expiresAt));
            }
            return this;
        }

        Entry sessionTarget(String sessionId, Instant endsAt) {
            ObjectNode target = addTarget(sessionId, "ImpersonationSession", sessionId, "Impersonation session");
            if (endsAt != null) {
                target.putObject("detailEntry").put("endsAt", TIMESTAMP.format(endsAt));
            }
            ((ObjectNode) body.get("authenticationContext")).put("externalSessionId", sessionId);
            return this;
        }

        Entry cases(List<String> caseNumbers) {
            for (String caseNumber : caseNumbers) {
                addTarget(caseNumber, SUPPORT_CASE, caseNumber, "Support case " + caseNumber);
            }
            // one case number, as the platform's field holds: an org-wide grant over several cases names them as targets
            if (caseNumbers.size() == 1) {
                debugData.put("case_number", caseNumbers.get(0));
            }
            return this;
        }

        Entry originalPrincipal(String id, String displayName) {
            ObjectNode principal = debugData.putObject("originalPrincipal");
            principal.put("id", id);
            principal.put("type", "User");
            principal.put("alternateId", id);
            principal.put("displayName", displayName);
            return this;
        }

        Entry user(String userId, String login) {
            return target(userId, "User", login, login);
        }

        Entry consent(String consentId) {
            debugData.put("consent_id", consentId);
            return this;
        }

        Entry debug(String key, String value) {
            debugData.put(key, value);
            return this;
        }

        Entry outcome(String result, String reason) {
            outcome.put("result", result);
            outcome.put("reason", reason);
            return this;
        }

        Entry reason(String reason) {
            outcome.put("reason", reason);
            return this;
        }

        Entry target(String id, String type, String alternateId, String displayName) {
            addTarget(id, type, alternateId, displayName);
            return this;
        }

        private ObjectNode addTarget(String id, String type, String alternateId, String displayName) {
            ObjectNode target = targets.addObject();
            target.put("id", id);
            target.put("type", type);
            target.put("alternateId", alternateId);
            target.put("displayName", displayName);
            target.putNull("detailEntry");
            return target;
        }

        LogRecord record(String orgId) {
            List<String> targetIds = new java.util.ArrayList<>();
            targets.forEach(t -> targetIds.add(t.path("id").asText()));
            return new LogRecord(envelope.id(), orgId, published, eventType, "INFO", actorId,
                    outcome.path("result").asText(), body, targetIds);
        }
    }
}
