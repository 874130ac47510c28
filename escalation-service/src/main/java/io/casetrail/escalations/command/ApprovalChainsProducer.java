package io.casetrail.escalations.command;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The configured chains, parsed once; a bad chain fails the start with its reason. */
public class ApprovalChainsProducer {

    @Produces
    @Singleton
    ApprovalChains chains(EscalationAxonModule.Settings settings) {
        return ApprovalChains.of(settings.chain());
    }
}
