package io.casetrail.logs.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.platform.security.Roles;
import io.casetrail.platform.store.Jdbc;

/**
 * The customer-facing view of support activity on an org, built from its internal log entries: the support-access
 * and org-administration events (and others listed in {@code casetrail.internal-log.customer-view.types}), and the
 * requests support made in the org (research, admin actions, impersonation; not its work on cases, which the case's
 * timeline shows as far as it is the customer's to see); every value passed through the {@link Redactor}.
 */
@Singleton
public class SupportActivity {

    /** One entry as the customer sees it. */
    public record Item(long seq, java.time.Instant occurredAt, String kind, String type, String actor, String message,
                       JsonNode attributes) {
    }

    /** A page, and where the next one starts (null: no more). */
    public record Page(List<Item> items, Long next) {
    }

    static final int BATCH = 500;
    static final int MAX_BATCHES = 20;
    private static final Set<String> SUPPORT_ROLES = Set.of(Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD,
            Roles.SUPPORT_MANAGER, Roles.ESCALATION_MANAGER, Roles.ENGINEER, Roles.ENGINEERING_MANAGER,
            Roles.IMPERSONATION);
    /**
     * The services whose request logs are support's work on cases (filed under the case's org): not shown here. The
     * case's timeline shows the customer what of that work is theirs to see; internal notes, consultations and
     * escalations are not, and a request's path would tell of them.
     */
    private static final Set<String> CASE_WORK = Set.of("/casetrail/case-service", "/casetrail/escalation-service");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InternalLog log;
    private final Jdbc jdbc;
    private final Redactor redactor;
    private final List<String> typePrefixes;

    public SupportActivity(InternalLog log, Jdbc jdbc,
                           @ConfigProperty(name = "casetrail.internal-log.customer-view.types") List<String> types,
                           @ConfigProperty(name = "casetrail.redaction.secret-words") List<String> secretWords,
                           @ConfigProperty(name = "casetrail.redaction.internal-domains") List<String> domains,
                           @ConfigProperty(name = "casetrail.redaction.internal-hosts") List<String> hosts,
                           @ConfigProperty(name = "casetrail.redaction.internal-port-hosts") List<String> portHosts,
                           @ConfigProperty(name = "casetrail.redaction.patterns") Optional<List<String>> patterns) {
        this.log = log;
        this.jdbc = jdbc;
        this.typePrefixes = List.copyOf(types);
        this.redactor = new Redactor(new Redactor.Rules(secretWords, domains, hosts, portHosts, patterns.orElse(List.of())));
    }

    /** The org's support activity after {@code afterSeq}, redacted for the viewer. */
    public Page of(String orgId, String viewerEmail, long afterSeq, int limit) throws java.io.IOException {
        Redactor.Viewer viewer = Redactor.Viewer.of(orgId, otherOrgs(orgId), viewerEmail);
        List<Item> items = new ArrayList<>();
        long cursor = afterSeq;
        for (int batch = 0; batch < MAX_BATCHES && items.size() < limit; batch++) {
            List<InternalLogEntry> entries = log.find(new InternalLog.Query(orgId, null, null, null, null, null),
                    cursor, BATCH);
            for (InternalLogEntry entry : entries.subList(0, Math.min(entries.size(), BATCH))) {
                cursor = entry.seq();
                if (shown(entry)) {
                    items.add(new Item(entry.seq(), entry.occurredAt(), entry.kind(), entry.type(),
                            redactor.text(entry.actor(), viewer), redactor.text(entry.message(), viewer),
                            redactor.json(JSON.readTree(entry.attributes()), viewer)));
                    if (items.size() == limit) {
                        return new Page(items, entry.seq());
                    }
                }
            }
            if (entries.size() <= BATCH) {
                return new Page(items, null);
            }
        }
        return new Page(items, items.size() < limit && cursor == afterSeq ? null : cursor);
    }

    private boolean shown(InternalLogEntry entry) throws java.io.IOException {
        if (InternalLogEntry.EVENT.equals(entry.kind())) {
            return typePrefixes.stream().anyMatch(entry.type()::startsWith);
        }
        if (CASE_WORK.contains(entry.source())) {
            return false;
        }
        JsonNode roles = JSON.readTree(entry.attributes()).path("roles");
        for (JsonNode role : roles) {
            if (SUPPORT_ROLES.contains(role.asText())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every org the known cases or the services' events name, but this one. Not the org of a request log: a request
     * is filed under the org its path or query names when its caller is bound to none (support, an auditor, an
     * anonymous caller), whatever string that is ({@code ?orgId=users}), and a name taken from there would be hidden
     * in every org's view. Support acts in an org only on its cases, which name it.
     */
    private Set<String> otherOrgs(String orgId) {
        Set<String> orgs = log.eventOrgs();
        orgs.addAll(jdbc.query("SELECT DISTINCT org_id FROM known_case", row -> row.getString(1)));
        return orgs;
    }
}
