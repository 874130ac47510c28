package io.casetrail.platform.axon;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;

import javax.sql.DataSource;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.SimpleSerializedObject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Publishes, per streaming processor (projections and the Kafka relay), how far it is behind the head of the
 * event store: {@code casetrail_processor_lag_events} and {@code casetrail_processor_position}, on /q/metrics.
 */
@Singleton
public class ProcessorMetrics {

    @Inject
    AxonRuntime axon;

    @Inject
    MeterRegistry registry;

    @Inject
    DataSource dataSource;

    @Inject
    ProjectionRebuilds rebuilds;

    void register(@Observes @Priority(150) StartupEvent event) {
        for (String group : axon.processingGroups()) {
            Gauge.builder("casetrail.processor.lag", this, m -> m.lag(group)).baseUnit("events")
                    .description("events in the store the processor has not handled yet")
                    .tag("processor", group).strongReference(true).register(registry);
            Gauge.builder("casetrail.processor.replaying", this, m -> m.replaying(group) ? 1 : 0)
                    .description("1 while the processor rebuilds its projection from the start of the store")
                    .tag("processor", group).strongReference(true).register(registry);
            Gauge.builder("casetrail.processor.position", this, m -> m.position(group))
                    .description("global index of the last event the processor handled (-1: none yet)")
                    .tag("processor", group).strongReference(true).register(registry);
        }
        Gauge.builder("casetrail.eventstore.head", this, ProcessorMetrics::head)
                .description("global index of the newest stored event").strongReference(true).register(registry);
    }

    /** Events the processor still has to handle (0 when caught up). */
    public double lag(String group) {
        return Math.max(0, head() - position(group));
    }

    /** Whether the processor is rebuilding its projection (replaying events it had handled before). */
    public boolean replaying(String group) {
        return rebuilds.rebuilding(group)
                || axon.processor(group).map(StreamingEventProcessor::isReplaying).orElse(false);
    }

    /**
     * The lowest position over the processor's segments as its token store holds them, -1 before it handled
     * anything; during a rebuild, the last event the rebuild wrote. Read from the store, which the service's
     * instances share, so that every instance tells where the processor is, whichever of them runs it: an instance
     * standing by (holding no segment) would otherwise report the whole store as lag.
     */
    public double position(String group) {
        OptionalLong rebuilt = rebuilds.position(group);
        if (rebuilt.isPresent()) {
            return rebuilt.getAsLong();
        }
        long lowest = Long.MAX_VALUE;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT token, tokentype FROM tokenentry WHERE processorname = ?")) {
            ps.setString(1, group);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byte[] token = rs.getBytes(1);
                    String type = rs.getString(2);
                    TrackingToken stored = token == null || type == null ? null : axon.serializer().deserialize(
                            new SimpleSerializedObject<>(token, byte[].class, type, null));
                    lowest = Math.min(lowest, stored == null ? -1 : stored.position().orElse(-1));
                }
            }
        } catch (SQLException e) {
            return Double.NaN;
        }
        return lowest == Long.MAX_VALUE ? -1 : lowest;
    }

    double head() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT MAX(globalindex) FROM domainevententry");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            long head = rs.getLong(1);
            return rs.wasNull() ? -1 : head;
        } catch (SQLException e) {
            return Double.NaN;
        }
    }
}
