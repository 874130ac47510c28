package io.casetrail.cases.query;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;

import io.casetrail.events.cases.CaseOpened;
import io.casetrail.platform.axon.Projection;
import io.casetrail.platform.store.Jdbc;

/**
 * A test-only projection that writes its row and then fails the first two times it sees a case whose subject
 * starts with "flaky": the platform must roll the write back and retry, never skip the event.
 */
@Singleton
@ProcessingGroup("test-flaky")
public class FlakyProjection implements Projection {

    static final AtomicInteger ATTEMPTS = new AtomicInteger();

    private final Jdbc jdbc;

    public FlakyProjection(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(CaseOpened event, EventMessage<?> message) {
        if (!event.subject().startsWith("flaky")) {
            return;
        }
        jdbc.update("INSERT INTO test_flaky_seen (case_number, event_id) VALUES (?, ?)", event.caseNumber(),
                message.getIdentifier());
        if (ATTEMPTS.incrementAndGet() <= 2) {
            throw new IllegalStateException("flaky projection fails on purpose, attempt " + ATTEMPTS.get());
        }
    }
}
