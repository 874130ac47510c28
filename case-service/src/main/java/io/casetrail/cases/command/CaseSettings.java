package io.casetrail.cases.command;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code casetrail.cases.*}: the configurable rules of the case lifecycle (defaults in application.properties). */
@ConfigMapping(prefix = "casetrail.cases")
public interface CaseSettings {

    /** SLA targets per priority, keyed {@code P1}..{@code P4}. */
    Map<String, Sla> sla();

    /** Team queue per product area, keyed by {@link ProductArea} name. */
    Map<String, String> routing();

    /** How long a proposed resolution waits for the customer before the case closes itself. */
    @WithDefault("P7D")
    Duration autoCloseAfter();

    /**
     * Largest accepted upload, in bytes: at most 1 GiB - 1, the most a PostgreSQL {@code bytea} holds (a service set
     * higher does not start).
     */
    @WithDefault("26214400")
    @jakarta.validation.constraints.Min(1)
    @jakarta.validation.constraints.Max(1_073_741_823L)
    long maxUploadBytes();

    /**
     * How long a case number drawn ahead may wait to be handed out, 0 to 10 s ({@link SequenceCaseNumbers}; a service
     * set otherwise does not start).
     */
    @WithDefault("PT0.1S")
    Duration numberHold();

    /** One priority's targets. */
    interface Sla {
        Duration firstResponse();

        Duration updateInterval();
    }

    default CaseRules rules() {
        Map<Priority, CaseRules.SlaTargets> targets = new EnumMap<>(Priority.class);
        sla().forEach((priority, sla) -> targets.put(Priority.valueOf(priority),
                new CaseRules.SlaTargets(sla.firstResponse(), sla.updateInterval())));
        Map<ProductArea, String> teams = new EnumMap<>(ProductArea.class);
        routing().forEach((area, team) -> teams.put(ProductArea.valueOf(area), team));
        return new CaseRules(targets, autoCloseAfter(), teams);
    }
}
