package io.casetrail.cases.query;

import static io.casetrail.platform.store.RowWriter.Columns.set;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Singleton;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;

import io.casetrail.events.cases.CaseOpened;
import io.casetrail.platform.axon.Projection;
import io.casetrail.platform.store.Jdbc;
import io.casetrail.platform.store.RowWriter;
import io.casetrail.platform.store.RowWriter.Table;

/**
 * A test-only projection: one row per case opened, keyed by the event's id (an event applied twice fails the
 * batch), a failure on demand, once, for the case named in {@link #FAIL_ONCE_ON}, and a wait on demand, at the case
 * {@link #HOLD} names (after that failure, if both name it), until the hold is released.
 */
@Singleton
@ProcessingGroup(RebuildProbeProjection.GROUP)
public class RebuildProbeProjection implements Projection {

    static final String GROUP = "test-rebuild-probe";
    static final AtomicReference<String> FAIL_ONCE_ON = new AtomicReference<>();
    static final AtomicReference<Hold> HOLD = new AtomicReference<>();
    private static final Table PROBE = Table.of("test_rebuild_probe", "event_id");

    private final RowWriter rows;
    private final Jdbc jdbc;

    public RebuildProbeProjection(RowWriter rows, Jdbc jdbc) {
        this.rows = rows;
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(CaseOpened event, EventMessage<?> message) {
        String failOn = FAIL_ONCE_ON.get();
        if (event.caseNumber().equals(failOn) && FAIL_ONCE_ON.compareAndSet(failOn, null)) {
            throw new IllegalStateException("the probe fails on purpose at case " + event.caseNumber());
        }
        Hold hold = HOLD.get();
        if (hold != null && event.caseNumber().equals(hold.caseNumber())) {
            hold.reached().countDown();
            try {
                hold.released().await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        rows.insert(PROBE, message.getIdentifier(), set("case_number", event.caseNumber()));
    }

    /** Handling stops at {@code caseNumber}'s opening until {@code released}; {@code reached} once it is there. */
    record Hold(String caseNumber, CountDownLatch reached, CountDownLatch released) {

        Hold(String caseNumber) {
            this(caseNumber, new CountDownLatch(1), new CountDownLatch(1));
        }
    }

    @ResetHandler
    void reset() {
        jdbc.clear("test_rebuild_probe");
    }
}
