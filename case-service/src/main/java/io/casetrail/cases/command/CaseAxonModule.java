package io.casetrail.cases.command;

import jakarta.inject.Singleton;

import org.axonframework.config.Configurer;

import io.casetrail.platform.axon.AxonModule;
import io.casetrail.platform.axon.AxonRuntime;
import io.casetrail.platform.cases.Intermediaries;

/** Registers the support case aggregate and what its command handlers take as parameters. */
@Singleton
public class CaseAxonModule implements AxonModule {

    private final AxonRuntime axon;
    private final CaseRules rules;
    private final CaseNumbers numbers;
    private final Intermediaries intermediaries;

    public CaseAxonModule(AxonRuntime axon, CaseSettings settings, CaseNumbers numbers,
                          Intermediaries intermediaries) {
        this.axon = axon;
        this.rules = settings.rules();
        this.numbers = numbers;
        this.intermediaries = intermediaries;
    }

    @Override
    public void configure(Configurer configurer) {
        configurer.configureAggregate(axon.eventSourced(SupportCase.class))
                .registerComponent(CaseRules.class, c -> rules)
                .registerComponent(CaseNumbers.class, c -> numbers)
                .registerComponent(Intermediaries.class, c -> intermediaries);
    }
}
