package io.casetrail.events.access;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.DomainEvent;

/** The events of the support access context, published on {@code casetrail.access.v1}. */
public final class AccessEvents {

    public static final List<Class<? extends DomainEvent>> ALL = List.of(SupportAccessGranted.class,
            SupportAccessExtended.class, SupportAccessRevoked.class, SupportAccessExpired.class,
            ImpersonationStarted.class, ImpersonationExtended.class, ImpersonationEnded.class, ApiTokenCreated.class,
            ApiTokenRevoked.class, SessionWriteRefused.class);

    private AccessEvents() {
    }

    /**
     * The cases an event concerns: the one its envelope names ({@code ce_caseid}), or, for a support-access grant
     * event without one (an org-wide grant's: granted, extended, revoked, expired), those the grant covers, as its
     * {@code coveredCases} lists them. None for any other event without a case.
     */
    public static List<String> casesOf(CloudEvent event, JsonNode data) {
        if (event.caseId() != null) {
            return List.of(event.caseId());
        }
        List<String> covered = new ArrayList<>();
        data.path("coveredCases").forEach(caseNumber -> covered.add(caseNumber.asText()));
        return covered;
    }

    /** The id of an event's entry on one case's timeline: its own, or with the case for an event of several. */
    public static String entryId(CloudEvent event, String caseNumber) {
        return event.caseId() != null ? event.id() : event.id() + ":" + caseNumber;
    }
}
