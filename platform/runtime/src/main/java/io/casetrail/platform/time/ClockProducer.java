package io.casetrail.platform.time;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;

/**
 * The one source of "now" for a service: the system clock in UTC. Tests replace it with a clock they move
 * (casetrail-testing's {@code MovableClock}); Axon's event timestamps use the same clock (see AxonRuntime).
 */
@Singleton
public class ClockProducer {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
