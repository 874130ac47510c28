package io.casetrail.orgadmin.command;

import jakarta.inject.Singleton;

import org.axonframework.config.Configurer;

import io.casetrail.orgadmin.directory.DirectoryStore;
import io.casetrail.orgadmin.query.EscalationManagers;
import io.casetrail.platform.axon.AxonModule;
import io.casetrail.platform.axon.AxonRuntime;
import io.casetrail.platform.cases.CaseLookup;
import io.casetrail.platform.cases.Intermediaries;
import io.casetrail.platform.cases.KnownCases;

/** Registers the org administration aggregates and what their command handlers take as parameters. */
@Singleton
public class OrgAdminAxonModule implements AxonModule {

    private final AxonRuntime axon;
    private final KnownCases knownCases;
    private final IdentityPlatform platform;
    private final Mailbox mailbox;
    private final DirectoryStore directory;
    private final EscalationManagers escalationManagers;

    public OrgAdminAxonModule(AxonRuntime axon, KnownCases knownCases, DirectoryIdentityPlatform platform,
                              SmtpMailbox mailbox, DirectoryStore directory, EscalationManagers escalationManagers) {
        this.axon = axon;
        this.knownCases = knownCases;
        this.platform = platform;
        this.mailbox = mailbox;
        this.directory = directory;
        this.escalationManagers = escalationManagers;
    }

    @Override
    public void configure(Configurer configurer) {
        configurer.configureAggregate(axon.eventSourced(CaseAdministration.class))
                .configureAggregate(axon.eventSourced(DirectoryImport.class))
                .registerComponent(CaseLookup.class, c -> knownCases)
                .registerComponent(Intermediaries.class, c -> escalationManagers)
                .registerComponent(IdentityPlatform.class, c -> platform)
                .registerComponent(Mailbox.class, c -> mailbox)
                .registerComponent(DirectoryStore.class, c -> directory);
    }
}
