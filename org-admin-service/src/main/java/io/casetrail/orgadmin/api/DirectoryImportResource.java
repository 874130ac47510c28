package io.casetrail.orgadmin.api;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.casetrail.orgadmin.command.AdminCommands.ImportDirectory;
import io.casetrail.orgadmin.directory.DirectoryDocument;
import io.casetrail.orgadmin.directory.DirectoryStore;
import io.casetrail.orgadmin.directory.DirectoryStore.ImportSummary;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/** Platform operators load an org's identity-platform data: the import replaces what Casetrail held of the org. */
@RequestScoped
@Path("/orgs/{orgId}/directory")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Directory import")
@SecurityRequirement(name = "jwt")
public class DirectoryImportResource {

    /** What an import loaded. */
    public record Imported(String importId, String orgId, int users, int groups, int applications, int policies,
                           int profileMappings, int profileSources, int features) {
    }

    @Inject
    CommandGateway commands;

    @Inject
    Caller caller;

    @Inject
    DirectoryStore directory;

    @GET
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "What Casetrail holds of an org's directory", description = "When it was last imported and"
            + " how many users, groups, applications and feature flags it holds; 404 when it was never imported.")
    public ImportSummary imported(@PathParam("orgId") String orgId) {
        return directory.summary(orgId).orElseThrow(() -> new NotFound("no directory was imported for org " + orgId));
    }

    @PUT
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Load (replace) an org's directory", description = "Users with their factors, groups and"
            + " memberships, applications, sign-on and password policies with their rules, profile mappings, profile"
            + " sources and feature flags with their dependencies.")
    public Imported load(@PathParam("orgId") String orgId, @Valid @NotNull DirectoryDocument document) {
        if (!orgId.equals(document.org().id())) {
            throw new InvalidInput("org.id must be the org of the path (" + orgId + ")");
        }
        String importId = UUID.randomUUID().toString();
        commands.sendAndWait(new ImportDirectory(importId, document, caller));
        return new Imported(importId, orgId, document.users().size(), document.groups().size(),
                document.applications().size(), document.policies().size(), document.profileMappings().size(),
                document.profileSources().size(), document.features().size());
    }
}
