package io.casetrail.cases.query;

import java.time.Instant;

import jakarta.inject.Singleton;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventCatalog;
import io.casetrail.events.EventJson;
import io.casetrail.platform.axon.Projection;

/**
 * Puts every case event on its case's timeline (source {@code case}). The entries go through {@code RowWriter}: a
 * processor batch's entries are written as one JDBC batch, with its token.
 */
@Singleton
@ProcessingGroup(CaseTimelineProjection.GROUP)
public class CaseTimelineProjection implements Projection {

    public static final String GROUP = "case-timeline";

    private static final ObjectMapper JSON = EventJson.newMapper();

    private final TimelineStore timeline;

    public CaseTimelineProjection(TimelineStore timeline) {
        this.timeline = timeline;
    }

    @EventHandler
    void on(DomainEvent event, EventMessage<?> message, @Timestamp Instant at) throws JsonProcessingException {
        if (event.caseNumber() == null) {
            return;
        }
        TimelineSummaries.Line line = TimelineSummaries.of(event);
        timeline.record(new TimelineEntry(message.getIdentifier(), at, TimelineStore.OWN_SOURCE,
                EventCatalog.typeOf(event.getClass()), event.actor() == null ? null : event.actor().id(),
                event.actor() == null ? null : event.actor().displayName(),
                event.actor() == null ? null : event.actor().kind().name(), line.visibility(), line.summary(),
                JSON.writeValueAsString(event)), event.caseNumber());
    }

    @ResetHandler
    void reset() {
        timeline.clear(TimelineStore.OWN_SOURCE);
    }
}
