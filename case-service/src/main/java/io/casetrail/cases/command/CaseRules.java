package io.casetrail.cases.command;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;

/**
 * The configurable rules of the case lifecycle: SLA targets per priority, how long a proposed resolution waits
 * for the customer before the case closes itself, and which team's queue a product area routes to.
 * Configured under {@code casetrail.cases.*} (see docs/operations.md); {@link #defaults()} are DOMAIN.md's.
 */
public record CaseRules(Map<Priority, SlaTargets> sla, Duration autoCloseAfter, Map<ProductArea, String> routing) {

    /** The longest team name: as long as every view of a case keeps. */
    public static final int MAX_TEAM = 255;

    /** The two SLA targets of one priority. */
    public record SlaTargets(Duration firstResponse, Duration updateInterval) {

        public Duration of(io.casetrail.events.cases.SlaTarget target) {
            return switch (target) {
                case FIRST_RESPONSE -> firstResponse;
                case UPDATE_INTERVAL -> updateInterval;
            };
        }
    }

    public CaseRules {
        sla = Map.copyOf(sla);
        routing = Map.copyOf(routing);
        for (Priority p : Priority.values()) {
            if (!sla.containsKey(p)) {
                throw new IllegalArgumentException("no SLA targets for " + p);
            }
        }
        for (ProductArea a : ProductArea.values()) {
            if (!routing.containsKey(a)) {
                throw new IllegalArgumentException("no team for product area " + a);
            }
            String team = routing.get(a);
            // as long as every view of a case keeps (case_view, known_case, escalation_view: 255)
            if (team.isBlank() || team.length() > MAX_TEAM) {
                throw new IllegalArgumentException("the team of product area " + a + " is to be 1 to " + MAX_TEAM
                        + " characters: " + team.length());
            }
        }
    }

    /** P1 1 h / 2 h, P2 4 h / 8 h, P3 8 h / 24 h, P4 24 h / 72 h; auto-close after 7 days. */
    public static CaseRules defaults() {
        Map<Priority, SlaTargets> sla = new EnumMap<>(Priority.class);
        sla.put(Priority.P1, new SlaTargets(Duration.ofHours(1), Duration.ofHours(2)));
        sla.put(Priority.P2, new SlaTargets(Duration.ofHours(4), Duration.ofHours(8)));
        sla.put(Priority.P3, new SlaTargets(Duration.ofHours(8), Duration.ofHours(24)));
        sla.put(Priority.P4, new SlaTargets(Duration.ofHours(24), Duration.ofHours(72)));
        return new CaseRules(sla, Duration.ofDays(7), defaultRouting());
    }

    public static Map<ProductArea, String> defaultRouting() {
        Map<ProductArea, String> routing = new EnumMap<>(ProductArea.class);
        routing.put(ProductArea.SSO, "sso");
        routing.put(ProductArea.UNIVERSAL_DIRECTORY, "directory");
        routing.put(ProductArea.LIFECYCLE_MANAGEMENT, "lifecycle");
        routing.put(ProductArea.MFA, "mfa");
        routing.put(ProductArea.OTHER, "general");
        return routing;
    }

    public SlaTargets sla(Priority priority) {
        return sla.get(priority);
    }

    public String teamFor(ProductArea area) {
        return routing.get(area);
    }
}
