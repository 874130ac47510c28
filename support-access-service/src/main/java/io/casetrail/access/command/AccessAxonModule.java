package io.casetrail.access.command;


import jakarta.inject.Singleton;

import org.axonframework.config.Configurer;

import io.casetrail.platform.axon.AxonModule;
import io.casetrail.platform.axon.AxonRuntime;
import io.casetrail.platform.cases.CaseLookup;
import io.casetrail.platform.cases.KnownCases;

/** Registers the support access aggregates and what their command handlers take as parameters. */
@Singleton
public class AccessAxonModule implements AxonModule {

    private final AxonRuntime axon;
    private final AccessRules rules;
    private final KnownCases knownCases;

    public AccessAxonModule(AxonRuntime axon, AccessSettings settings, KnownCases knownCases) {
        this.axon = axon;
        this.rules = settings.rules();
        this.knownCases = knownCases;
    }

    @Override
    public void configure(Configurer configurer) {
        configurer.configureAggregate(axon.eventSourced(OrgSupportAccess.class))
                .configureAggregate(axon.eventSourced(ApiToken.class))
                .registerComponent(AccessRules.class, c -> rules)
                .registerComponent(CaseLookup.class, c -> knownCases);
    }
}
