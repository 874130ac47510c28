package io.casetrail.orgadmin.command;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateRoot;

import com.fasterxml.jackson.annotation.JsonAutoDetect;

import io.casetrail.events.orgadmin.OrgDirectoryImported;
import io.casetrail.orgadmin.command.AdminCommands.ImportDirectory;
import io.casetrail.orgadmin.directory.DirectoryDocument;
import io.casetrail.orgadmin.directory.DirectoryStore;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.security.Roles;

/**
 * One load of an org's identity-platform data by a platform operator: the data replaces what Casetrail held of the
 * org, in the same transaction as the event that records the load.
 */
@AggregateRoot(type = "DirectoryImport")
// its snapshot keeps its fields, private as they are (without it, one loaded from a snapshot had no identifier)
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
                isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class DirectoryImport {

    @AggregateIdentifier
    private String importId;

    protected DirectoryImport() {
        // for event sourcing
    }

    @CommandHandler
    public DirectoryImport(ImportDirectory command, DirectoryStore directory) {
        if (!command.caller().has(Roles.PLATFORM_OPERATOR)) {
            throw new AccessDenied("only platform operators load an org's directory");
        }
        DirectoryDocument document = command.document();
        document.duplicate().or(document::unmailable).ifPresent(problem -> {
            throw new InvalidInput(problem);
        });
        directory.replace(document);
        apply(new OrgDirectoryImported(document.org().id(), command.importId(), document.users().size(),
                document.groups().size(), document.applications().size(), document.policies().size(),
                document.features().size(), command.caller().actor()));
    }

    @EventSourcingHandler
    void on(OrgDirectoryImported event) {
        importId = event.importId();
    }
}
