package io.casetrail.platform.axon;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import io.casetrail.platform.api.NoBody;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * Every service's projections, and their rebuild from the service's own event store ({@link ProjectionRebuilds}):
 * the processor stops, its tokens go back to the start (the projection's reset handler empties what the events will
 * write again), the store is replayed into the projection, and the processor follows new events again. Progress shows on {@code /q/metrics} ({@code casetrail_processor_lag_events},
 * {@code casetrail_processor_replaying}) and here. The Kafka relay is not a projection and is never rebuilt.
 */
@RequestScoped
@Path("/ops/projections")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Operations")
@SecurityRequirement(name = "jwt")
public class ProjectionResource {

    private static final Logger LOG = Logger.getLogger(ProjectionResource.class);

    /**
     * A projection and how far it is; {@code runningHere}: this instance runs it (holds a segment of its
     * processor), where a rebuild must be sent when the service runs as several instances.
     */
    public record ProjectionStatus(String name, long position, long lag, boolean replaying, boolean runningHere) {
    }

    @Inject
    AxonRuntime axon;

    @Inject
    ProcessorMetrics metrics;

    @Inject
    ProjectionRebuilds rebuilds;

    @Inject
    Caller caller;

    @GET
    @RolesAllowed({Roles.AUDITOR, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "The service's projections", description = "Position, lag behind the event store, and whether"
            + " each is rebuilding.")
    public List<ProjectionStatus> projections() {
        return axon.processingGroups().stream().filter(g -> !AxonRuntime.RELAY_GROUP.equals(g)).map(this::status)
                .toList();
    }

    @POST
    @Path("/{name}/rebuild")
    @Consumes(MediaType.WILDCARD) // no body, or {}: NoBody
    @RolesAllowed(Roles.PLATFORM_OPERATOR) // an auditor reads; it never changes anything (DOMAIN.md)
    @Operation(summary = "Rebuild a projection from the event store", description = "Answers 202 at once; follow the"
            + " progress here or on /q/metrics.")
    @APIResponse(responseCode = "202", description = "Started; the status as it stands",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ProjectionStatus.class)))
    public Response rebuild(@PathParam("name") String name, NoBody none) {
        if (AxonRuntime.RELAY_GROUP.equals(name)) {
            throw new RuleViolation("not-a-projection", name + " publishes events; it is not rebuilt");
        }
        rebuilds.start(name);
        LOG.infof("Rebuilding projection %s at the request of %s", name, caller.id());
        return Response.accepted(status(name)).build();
    }

    private ProjectionStatus status(String name) {
        return new ProjectionStatus(name, (long) metrics.position(name), (long) metrics.lag(name),
                metrics.replaying(name), rebuilds.rebuilding(name) || axon.processor(name)
                        .map(processor -> !processor.processingStatus().isEmpty()).orElse(false));
    }
}
