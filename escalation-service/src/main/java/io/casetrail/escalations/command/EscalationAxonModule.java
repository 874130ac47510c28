package io.casetrail.escalations.command;

import java.util.Map;

import jakarta.inject.Singleton;

import org.axonframework.config.Configurer;

import io.casetrail.platform.axon.AxonModule;
import io.casetrail.platform.axon.AxonRuntime;
import io.casetrail.platform.cases.CaseLookup;
import io.casetrail.platform.cases.KnownCases;
import io.smallrye.config.ConfigMapping;

/** Registers the escalation aggregate and what its command handlers take as parameters. */
@Singleton
public class EscalationAxonModule implements AxonModule {

    /** {@code casetrail.escalations.chain.<request-type>=<steps>} (see {@link ApprovalChains}). */
    @ConfigMapping(prefix = "casetrail.escalations")
    public interface Settings {
        Map<String, String> chain();
    }

    private final AxonRuntime axon;
    private final KnownCases knownCases;
    private final ApprovalChains chains;
    private final EscalationsByCase byCase;

    public EscalationAxonModule(AxonRuntime axon, KnownCases knownCases, ApprovalChains chains,
                                EscalationsByCase byCase) {
        this.axon = axon;
        this.knownCases = knownCases;
        this.chains = chains;
        this.byCase = byCase;
    }

    @Override
    public void configure(Configurer configurer) {
        configurer.configureAggregate(axon.eventSourced(Escalation.class))
                .registerComponent(CaseLookup.class, c -> knownCases)
                .registerComponent(ApprovalChains.class, c -> chains)
                .registerComponent(EscalationsByCase.class, c -> byCase);
    }
}
