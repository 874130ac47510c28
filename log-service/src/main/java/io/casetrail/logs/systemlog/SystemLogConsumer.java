package io.casetrail.logs.systemlog;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventCatalog;
import io.casetrail.events.EventJson;
import io.casetrail.events.Topics;
import io.casetrail.platform.kafka.CloudEventConsumer;

/**
 * Records, per org, the System Log entry of every support action the customer's System Log shows, as the other
 * contexts' events arrive ({@link LogEventMapper} says which and how).
 */
@Singleton
public class SystemLogConsumer implements CloudEventConsumer {

    private static final ObjectMapper JSON = EventJson.newMapper();

    private final SystemLogStore store;
    private final LogEventMapper mapper = new LogEventMapper(JSON);

    public SystemLogConsumer(SystemLogStore store) {
        this.store = store;
    }

    @Override
    public String name() {
        return "system-log";
    }

    @Override
    public Collection<String> topics() {
        return List.of(Topics.ACCESS, Topics.ORG_ADMIN);
    }

    @Override
    public void apply(CloudEvent event) throws Exception {
        Optional<Class<? extends DomainEvent>> type = EventCatalog.payloadClass(event.type());
        if (type.isEmpty()) {
            return;
        }
        DomainEvent payload = JSON.readValue(new String(event.data(), StandardCharsets.UTF_8), type.get());
        mapper.map(event, payload).ifPresent(store::append);
    }
}
