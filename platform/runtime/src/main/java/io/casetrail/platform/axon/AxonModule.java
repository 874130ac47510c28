package io.casetrail.platform.axon;

import org.axonframework.config.Configurer;

/**
 * What a service adds to the shared Axon configuration: its aggregates (see
 * {@link AxonRuntime#eventSourced(Class)}) and the components its command handlers take as parameters.
 * Implement it as a CDI bean; {@link AxonRuntime} applies every one before it starts Axon.
 */
public interface AxonModule {

    void configure(Configurer configurer);
}
