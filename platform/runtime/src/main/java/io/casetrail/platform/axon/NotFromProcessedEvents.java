package io.casetrail.platform.axon;

import java.util.Map;

import org.axonframework.deadline.DeadlineMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.correlation.CorrelationDataProvider;

/**
 * A correlation data provider that gives nothing for an event handled by a processor (a projection, the relay): no
 * event handler in Casetrail sends a message, so that correlation data would never be used, yet Axon computes it
 * for every event a processor handles (the result message it wraps each handler's answer in takes the unit of work's
 * correlation data), which deserialises every event's metadata: a tenth of the relay's time. Commands are as before,
 * and so are deadline messages (left to the providers, though the deadline manager handles them in a unit of work
 * of its own without them, so events an aggregate applies in a deadline handler carry no correlation data, as
 * before this class). An event handler that sends a command or an event would need this changed.
 */
final class NotFromProcessedEvents implements CorrelationDataProvider {

    private final CorrelationDataProvider delegate;

    NotFromProcessedEvents(CorrelationDataProvider delegate) {
        this.delegate = delegate;
    }

    @Override
    public Map<String, ?> correlationDataFor(Message<?> message) {
        if (message instanceof EventMessage<?> && !(message instanceof DeadlineMessage<?>)) {
            return Map.of();
        }
        return delegate.correlationDataFor(message);
    }
}
