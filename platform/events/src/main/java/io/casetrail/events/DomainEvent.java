package io.casetrail.events;

/**
 * A fact that happened in one bounded context and that other contexts may subscribe to.
 *
 * <p>Every payload names the org it concerns and the actor that caused it, so that the Kafka relay
 * can set the {@code ce_orgid} and {@code ce_actor} extensions without knowing the event type.
 */
public interface DomainEvent {

    /** The org (tenant of the identity platform) the event concerns. */
    String orgId();

    /** Who caused the event. */
    Actor actor();

    /** The support case the event belongs to, or {@code null} when it belongs to none. */
    default String caseNumber() {
        return null;
    }
}
