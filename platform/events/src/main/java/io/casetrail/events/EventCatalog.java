package io.casetrail.events;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.casetrail.events.access.AccessEvents;
import io.casetrail.events.cases.CaseEvents;
import io.casetrail.events.escalation.EscalationEvents;
import io.casetrail.events.orgadmin.OrgAdminEvents;

/** Every published event type, by its CloudEvents type name. */
public final class EventCatalog {

    private static final Map<String, Class<? extends DomainEvent>> BY_TYPE = new LinkedHashMap<>();

    static {
        register(CaseEvents.ALL);
        register(AccessEvents.ALL);
        register(OrgAdminEvents.ALL);
        register(EscalationEvents.ALL);
    }

    private EventCatalog() {
    }

    private static void register(Collection<Class<? extends DomainEvent>> types) {
        for (Class<? extends DomainEvent> type : types) {
            Class<?> previous = BY_TYPE.put(typeOf(type), type);
            if (previous != null) {
                throw new IllegalStateException("Two payloads claim " + typeOf(type) + ": " + previous + ", " + type);
            }
        }
    }

    /** The CloudEvents type of a payload class, from its {@link EventType} annotation. */
    public static String typeOf(Class<?> payloadType) {
        EventType annotation = payloadType.getAnnotation(EventType.class);
        if (annotation == null) {
            throw new IllegalArgumentException(payloadType.getName() + " is not a published event (no @EventType)");
        }
        return annotation.value();
    }

    /** The payload class for a CloudEvents type, if it is one of ours. */
    public static Optional<Class<? extends DomainEvent>> payloadClass(String type) {
        return Optional.ofNullable(BY_TYPE.get(type));
    }

    /** All registered payload classes, in registration order. */
    public static List<Class<? extends DomainEvent>> all() {
        return List.copyOf(BY_TYPE.values());
    }
}
