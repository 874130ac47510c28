package io.casetrail.access.command;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateRoot;

import com.fasterxml.jackson.annotation.JsonAutoDetect;

import io.casetrail.access.command.AccessCommands.CreateApiToken;
import io.casetrail.access.command.AccessCommands.RevokeApiToken;
import io.casetrail.events.access.ApiTokenCreated;
import io.casetrail.events.access.ApiTokenRevoked;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * An org API token for the identity-platform endpoints ({@code SSWS}). Created and revoked by the org's Super
 * Administrator; requests with it act in that role. The aggregate knows only the hash of the secret.
 */
@AggregateRoot(type = "ApiToken")
// its snapshot keeps its fields, private as they are (without it, one loaded from a snapshot had no identifier)
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
                isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class ApiToken {

    @AggregateIdentifier
    private String tokenId;
    private String orgId;
    private boolean revoked;

    protected ApiToken() {
        // for event sourcing
    }

    @CommandHandler
    public ApiToken(CreateApiToken command) {
        requireSuperAdmin(command.caller(), command.orgId());
        if (command.name() == null || command.name().isBlank() || command.name().length() > 255) {
            throw new InvalidInput("name: give the token a name of 1 to 255 characters");
        }
        apply(new ApiTokenCreated(command.orgId(), command.tokenId(), command.name().trim(), command.tokenHash(),
                Roles.ORG_SUPER_ADMIN, command.caller().actor()));
    }

    @CommandHandler
    public void handle(RevokeApiToken command) {
        requireSuperAdmin(command.caller(), orgId);
        if (revoked) {
            throw new RuleViolation("already-revoked", "API token " + tokenId + " is already revoked");
        }
        apply(new ApiTokenRevoked(orgId, tokenId, command.caller().actor()));
    }

    @EventSourcingHandler
    void on(ApiTokenCreated event) {
        tokenId = event.tokenId();
        orgId = event.orgId();
    }

    @EventSourcingHandler
    void on(ApiTokenRevoked event) {
        revoked = true;
    }

    private static void requireSuperAdmin(Caller caller, String org) {
        if (!caller.has(Roles.ORG_SUPER_ADMIN) || !caller.isCustomerOf(org)) {
            throw new AccessDenied("only the org's Super Administrator manages its API tokens");
        }
    }
}
