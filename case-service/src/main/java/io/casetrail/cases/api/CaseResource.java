package io.casetrail.cases.api;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.casetrail.cases.api.CaseRequests.AssignRequest;
import io.casetrail.cases.api.CaseRequests.ConsultationRequest;
import io.casetrail.cases.api.CaseRequests.ContactRequest;
import io.casetrail.cases.api.CaseRequests.KnowledgeArticleRequest;
import io.casetrail.cases.api.CaseRequests.MessageRequest;
import io.casetrail.cases.api.CaseRequests.OpenCaseRequest;
import io.casetrail.cases.api.CaseRequests.PhoneCallRequest;
import io.casetrail.cases.api.CaseRequests.PriorityRequest;
import io.casetrail.cases.api.CaseRequests.RejectionRequest;
import io.casetrail.cases.api.CaseRequests.RemoteSessionRequest;
import io.casetrail.cases.api.CaseRequests.ReopenRequest;
import io.casetrail.cases.api.CaseRequests.ResolutionRequest;
import io.casetrail.cases.command.AddContact;
import io.casetrail.cases.command.AssignCase;
import io.casetrail.cases.command.CaseNumbers;
import io.casetrail.cases.command.CaseState;
import io.casetrail.cases.command.ChangePriority;
import io.casetrail.cases.command.ConfirmResolution;
import io.casetrail.cases.command.LinkKnowledgeArticle;
import io.casetrail.cases.command.OfferRemoteSession;
import io.casetrail.cases.command.OpenCase;
import io.casetrail.cases.command.PostInternalNote;
import io.casetrail.cases.command.PostReply;
import io.casetrail.cases.command.ProposeResolution;
import io.casetrail.cases.command.RecordConsultation;
import io.casetrail.cases.command.RecordPhoneCall;
import io.casetrail.cases.command.RejectResolution;
import io.casetrail.cases.command.RemoveContact;
import io.casetrail.cases.command.ReopenCase;
import io.casetrail.cases.command.RequestInformation;
import io.casetrail.cases.command.SupportCase;
import io.casetrail.cases.command.TakeCase;
import io.casetrail.cases.query.CaseFilter;
import io.casetrail.cases.query.CaseQueries;
import io.casetrail.cases.query.CaseReadAccess;
import io.casetrail.cases.query.CaseView;
import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;
import io.casetrail.platform.api.LinkHeaders;
import io.casetrail.platform.api.NoBody;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.axon.ExpectedVersion;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.errors.Problem;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.idempotency.Idempotent;
import io.casetrail.platform.logging.RequestId;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Support cases: open, read, search and every command of the lifecycle. Commands answer with the case's state
 * right after the command; reads come from the read models, which follow within moments.
 */
@RequestScoped
@Path("/cases")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Cases")
@SecurityRequirement(name = "jwt")
public class CaseResource {

    static final String CUSTOMER_ADMIN = Roles.ORG_ADMIN;
    static final String SUPER_ADMIN = Roles.ORG_SUPER_ADMIN;
    static final String TSE = Roles.SUPPORT_ENGINEER;
    static final String LEAD = Roles.TEAM_LEAD;
    static final String MANAGER = Roles.SUPPORT_MANAGER;

    @Inject
    CommandGateway commands;

    @Inject
    CaseQueries queries;

    @Inject
    CaseNumbers numbers;

    @Inject
    Caller caller;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    @POST
    @Idempotent
    @RolesAllowed({CUSTOMER_ADMIN, SUPER_ADMIN, TSE, LEAD, MANAGER})
    @Operation(summary = "Open a case", description = "An org admin opens a case for its own org; support opens one"
            + " on a customer's behalf naming orgId and openedBy. The case starts NEW in its product area's team"
            + " queue, with the first-response SLA clock running.")
    @APIResponse(responseCode = "201", description = "Opened; Location names the case",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CaseState.class)))
    @APIResponse(responseCode = "400", description = "Invalid body (problem+json)")
    @APIResponse(responseCode = "403", description = "Not allowed for this role or org")
    public CompletionStage<Response> open(@Valid @NotNull OpenCaseRequest request) {
        // everything the body can be refused for is checked before a case number is drawn: a refused opening
        // leaves no gap in the numbers
        String orgId = request.orgId();
        if (caller.isCustomer()) {
            if (orgId != null && orgId.isBlank()) {
                throw new InvalidInput("orgId: leave it out, or name your own org");
            }
            if (orgId != null && !orgId.equals(caller.orgId())) {
                throw new AccessDenied("an org admin may open cases only for its own org");
            }
            if (request.openedBy() != null && !request.openedBy().equals(caller.id())) {
                throw new InvalidInput("openedBy: an org admin opens cases as itself; openedBy names the admin when"
                        + " support opens a case on a customer's behalf");
            }
            orgId = caller.orgId();
        } else if (orgId == null || orgId.isBlank()) {
            throw new InvalidInput("orgId: support must name the org the case is for");
        } else if (request.openedBy() == null || request.openedBy().isBlank()) {
            throw new InvalidInput("openedBy: support opening a case on a customer's behalf must name the org admin"
                    + " it is for");
        } else {
            SupportCase.requireNotNamingItself(caller, request.openedBy(), request.contacts());
        }
        String org = orgId;
        URI base = uri.getBaseUri(); // read here: the request is not current where the case turns out stored
        if (QuarkusTransaction.isActive()) {
            // a request with an Idempotency-Key, on a worker thread: the case opens in the transaction that keeps
            // the key's answer
            String caseNumber = numbers.next();
            commands.sendAndWait(openCase(caseNumber, org, request));
            return CompletableFuture.completedFuture(opened(base, caseNumber, request));
        }
        // on the event loop, which waits for nothing: a number at hand is taken at once (one to be drawn is, on the
        // numbers' thread, which then sends the command), the command goes to the group commit, and the answer is
        // written once the case is stored
        String requestId = RequestId.current();
        return numbers.nextAsync().thenCompose(caseNumber -> commands.send(RequestId.carrying(
                openCase(caseNumber, org, request), requestId)).thenApply(stored -> opened(base, caseNumber, request)));
    }

    private OpenCase openCase(String caseNumber, String orgId, OpenCaseRequest request) {
        return new OpenCase(caseNumber, orgId, request.orgUrl(), request.subject(), request.description(),
                request.productArea(), request.priority(), request.contactPreference(), request.openedBy(),
                request.contacts(), caller);
    }

    /** 201 naming the case, built from the request's base URI (a relative Location needs the request current). */
    private static Response opened(URI base, String caseNumber, OpenCaseRequest request) {
        return Response.created(UriBuilder.fromUri(base).path("cases").path(caseNumber).build())
                .entity(new CaseState(caseNumber, CaseStatus.NEW, request.priority(), null, null, null,
                        SupportCase.OPENED_VERSION)).build();
    }

    @GET
    @RolesAllowed({CUSTOMER_ADMIN, SUPER_ADMIN, TSE, LEAD, MANAGER, Roles.ESCALATION_MANAGER, Roles.AUDITOR})
    @Operation(summary = "Search cases", description = "Cases the caller may read, newest first, filtered by org,"
            + " status, priority, product area, assignee and team; paged with a cursor (Link rel=next).")
    public RestResponse<List<CaseView>> search(@QueryParam("orgId") String orgId,
                                               @QueryParam("status") CaseStatus status,
                                               @QueryParam("priority") Priority priority,
                                               @QueryParam("productArea") ProductArea productArea,
                                               @QueryParam("assignee") String assignee,
                                               @QueryParam("team") String team, @QueryParam("after") String after,
                                               @Parameter(description = "1 to 200, default 50")
                                               @QueryParam("limit") Integer limit) {
        int pageSize = Page.limit(limit);
        if (caller.isCustomer() && team != null) {
            // the team a case is routed to is support's (a customer's view has none): no filter tells it either
            throw new InvalidInput("team: cases are filtered by support team for support only");
        }
        Page<CaseView> page = queries.search(CaseReadAccess.scope(caller),
                new CaseFilter(orgId, status, priority, productArea, assignee, team), after, pageSize);
        return LinkHeaders.page(uri, caller.isCustomer()
                ? page.items().stream().map(CaseView::forCustomer).toList() : page.items(), page.next());
    }

    @GET
    @Path("/{caseNumber}")
    @RolesAllowed({CUSTOMER_ADMIN, SUPER_ADMIN, TSE, LEAD, MANAGER, Roles.ESCALATION_MANAGER, Roles.AUDITOR})
    @Operation(summary = "Read a case")
    @APIResponse(responseCode = "200", description = "The case, as the caller may see it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CaseView.class)))
    @APIResponse(responseCode = "404", description = "No such case (or not yet in the read model)")
    public CaseView get(@PathParam("caseNumber") String caseNumber) {
        CaseView view = queries.find(caseNumber).orElseThrow(() -> new NotFound("there is no case " + caseNumber));
        CaseReadAccess.requireMaySee(caller, view);
        return caller.isCustomer() ? view.forCustomer() : view;
    }

    @POST
    @Path("/{caseNumber}/assignment")
    @Idempotent
    @RolesAllowed({LEAD, MANAGER})
    @Operation(summary = "Assign or reassign", description = "A team lead or support manager of the case's team"
            + " assigns it; a NEW case becomes OPEN.")
    public RestResponse<CaseState> assign(@PathParam("caseNumber") String caseNumber,
                                          @Valid @NotNull AssignRequest request) {
        return ok(new AssignCase(caseNumber, request.assignee(), caller));
    }

    @POST
    @Path("/{caseNumber}/take")
    @Consumes(MediaType.WILDCARD) // no body, or {}: NoBody
    @Idempotent
    @RolesAllowed({TSE, LEAD, MANAGER})
    @Operation(summary = "Take a case from the team queue", description = "Self-assignment of a NEW case of one of"
            + " the caller's teams.")
    public RestResponse<CaseState> take(@PathParam("caseNumber") String caseNumber, NoBody none) {
        return ok(new TakeCase(caseNumber, caller));
    }

    @POST
    @Path("/{caseNumber}/priority")
    @Idempotent
    @RolesAllowed({TSE, LEAD, MANAGER})
    @Operation(summary = "Change the priority", description = "Running SLA clocks are re-targeted.")
    public RestResponse<CaseState> changePriority(@PathParam("caseNumber") String caseNumber,
                                   @Valid @NotNull PriorityRequest request) {
        return ok(new ChangePriority(caseNumber, request.priority(), request.reason(), caller));
    }

    @POST
    @Path("/{caseNumber}/contacts")
    @Idempotent
    @RolesAllowed({CUSTOMER_ADMIN, SUPER_ADMIN})
    @Operation(summary = "Add a contact", description = "Associate another admin of the org with the case."
            + " Only the admin who opened the case or one of its contacts may: contacts may consent to admin actions.")
    public RestResponse<CaseState> addContact(@PathParam("caseNumber") String caseNumber,
                                              @Valid @NotNull ContactRequest request) {
        return ok(new AddContact(caseNumber, request.contactId(), caller));
    }

    @DELETE
    @Path("/{caseNumber}/contacts/{contactId}")
    @Consumes(MediaType.WILDCARD) // no body, or {}: NoBody
    @Idempotent
    @RolesAllowed({CUSTOMER_ADMIN, SUPER_ADMIN, TSE, LEAD, MANAGER})
    @Operation(summary = "Remove a contact", description = "The admin who opened the case always stays."
            + " The opener, a contact, or support working the case may remove one.")
    public RestResponse<CaseState> removeContact(@PathParam("caseNumber") String caseNumber,
                                  @PathParam("contactId") String contactId, NoBody none) {
        return ok(new RemoveContact(caseNumber, contactId, caller));
    }

    @POST
    @Path("/{caseNumber}/replies")
    @Idempotent
    @RolesAllowed({CUSTOMER_ADMIN, SUPER_ADMIN, TSE, LEAD, MANAGER, Roles.ESCALATION_MANAGER})
    @Operation(summary = "Post a public reply", description = "Customer-visible correspondence. A customer's reply"
            + " on a PENDING_CUSTOMER case moves it back to OPEN; support's replies count for the SLA. While an"
            + " escalation manager is assigned to an active escalation of the case, that manager is the customer's"
            + " intermediary: only they reply for support, the case's engineer and leads get 409.")
    public RestResponse<CaseState> reply(@PathParam("caseNumber") String caseNumber,
                                         @Valid @NotNull MessageRequest request) {
        return ok(new PostReply(caseNumber, newId(), request.body(), caller));
    }

    @POST
    @Path("/{caseNumber}/phone-calls")
    @Idempotent
    @RolesAllowed({TSE, LEAD, MANAGER, Roles.ESCALATION_MANAGER})
    @Operation(summary = "Record a phone call with the customer", description = "Public correspondence with the"
            + " admin who opened the case or one of its contacts; counts for the SLA as a reply does. With"
            + " customerAnswered, a PENDING_CUSTOMER case goes back to OPEN (409 when the case waits for nothing)."
            + " While an escalation manager is the customer's intermediary, only they record calls.")
    public RestResponse<CaseState> phoneCall(@PathParam("caseNumber") String caseNumber,
                                             @Valid @NotNull PhoneCallRequest request) {
        return ok(new RecordPhoneCall(caseNumber, newId(), request.contactId(), request.summary(),
                Boolean.TRUE.equals(request.customerAnswered()), caller));
    }

    @POST
    @Path("/{caseNumber}/internal-notes")
    @Idempotent
    @RolesAllowed({TSE, LEAD, MANAGER, Roles.ESCALATION_MANAGER})
    @Operation(summary = "Post an internal note", description = "Never shown to a customer principal. Support"
            + " working the case, and the escalation manager who is the customer's intermediary on it.")
    public RestResponse<CaseState> internalNote(@PathParam("caseNumber") String caseNumber,
                                 @Valid @NotNull MessageRequest request) {
        return ok(new PostInternalNote(caseNumber, newId(), request.body(), caller));
    }

    @POST
    @Path("/{caseNumber}/information-requests")
    @Idempotent
    @RolesAllowed({TSE, LEAD, MANAGER, Roles.ESCALATION_MANAGER})
    @Operation(summary = "Ask the customer for information", description = "OPEN → PENDING_CUSTOMER; the SLA clock"
            + " pauses until the customer replies. While an escalation manager is the customer's intermediary, only"
            + " they ask (409 for the case's engineer and leads).")
    public RestResponse<CaseState> requestInformation(@PathParam("caseNumber") String caseNumber,
                                       @Valid @NotNull MessageRequest request) {
        return ok(new RequestInformation(caseNumber, newId(), request.body(), caller));
    }

    @POST
    @Path("/{caseNumber}/resolution")
    @Idempotent
    @RolesAllowed({TSE, LEAD, MANAGER, Roles.ESCALATION_MANAGER})
    @Operation(summary = "Propose a resolution", description = "→ RESOLVED_PENDING_CONFIRMATION; closes itself if"
            + " the customer does not answer within the auto-close period (7 days by default). While an escalation"
            + " manager is the customer's intermediary, only they propose (409 for the case's engineer and leads).")
    public RestResponse<CaseState> proposeResolution(@PathParam("caseNumber") String caseNumber,
                                      @Valid @NotNull ResolutionRequest request) {
        return ok(new ProposeResolution(caseNumber, request.summary(), request.knowledgeArticleId(), caller));
    }

    @POST
    @Path("/{caseNumber}/resolution/confirmation")
    @Consumes(MediaType.WILDCARD) // no body, or {}: NoBody
    @Idempotent
    @RolesAllowed({CUSTOMER_ADMIN, SUPER_ADMIN})
    @Operation(summary = "Confirm the proposed resolution", description = "The case closes.")
    public RestResponse<CaseState> confirm(@PathParam("caseNumber") String caseNumber, NoBody none) {
        return ok(new ConfirmResolution(caseNumber, caller));
    }

    @POST
    @Path("/{caseNumber}/resolution/rejection")
    @Idempotent
    @RolesAllowed({CUSTOMER_ADMIN, SUPER_ADMIN})
    @Operation(summary = "Reject the proposed resolution", description = "The case goes back to OPEN.")
    @APIResponse(responseCode = "200", description = "Rejected; the case is OPEN",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CaseState.class)))
    @APIResponse(responseCode = "409", description = "Left unanswered past its auto-close time: closed, not rejected")
    public Response reject(@PathParam("caseNumber") String caseNumber, @Valid @NotNull RejectionRequest request) {
        CaseState state = send(new RejectResolution(caseNumber, request.reason(), caller));
        if (state.status() == CaseStatus.CLOSED) {
            // the resolution was left unanswered past its auto-close time: the case closed automatically, which is
            // recorded; the rejection is not
            return Response.status(409).type(Problem.MEDIA_TYPE).entity(new Problem(
                    URI.create("https://casetrail.io/problems/closed"), RuleViolation.TITLE, 409, "case "
                    + caseNumber + " was left unanswered past its auto-close time and is closed automatically;"
                    + " reopen it to go on", uri.getPath(), null)).build();
        }
        return Response.ok(state).build();
    }

    @POST
    @Path("/{caseNumber}/reopen")
    @Idempotent
    @RolesAllowed({CUSTOMER_ADMIN, SUPER_ADMIN})
    @Operation(summary = "Reopen a closed case", description = "Within 21 days of closure the case reopens (200);"
            + " later it stays closed and a follow-up case is opened (201, Location and followUpCase name it).")
    @APIResponse(responseCode = "200", description = "Reopened",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CaseState.class)))
    @APIResponse(responseCode = "201", description = "Closed too long ago: a follow-up case was opened",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CaseState.class)))
    public Response reopen(@PathParam("caseNumber") String caseNumber, @Valid ReopenRequest request) {
        CaseState state = send(new ReopenCase(caseNumber, request == null ? null : request.reason(), caller));
        return state.followUpCase() == null ? Response.ok(state).build()
                : Response.created(URI.create("/cases/" + state.followUpCase())).entity(state).build();
    }

    @POST
    @Path("/{caseNumber}/knowledge-articles")
    @Idempotent
    @RolesAllowed({TSE, LEAD, MANAGER, Roles.ESCALATION_MANAGER})
    @Operation(summary = "Reference a knowledge article", description = "Read by the customer: while an escalation"
            + " manager is the customer's intermediary, only they reference one (409 for the case's engineer and"
            + " leads).")
    public RestResponse<CaseState> linkArticle(@PathParam("caseNumber") String caseNumber,
                                @Valid @NotNull KnowledgeArticleRequest request) {
        return ok(new LinkKnowledgeArticle(caseNumber, request.articleId(), request.title(), request.url(), caller));
    }

    @POST
    @Path("/{caseNumber}/remote-session-offers")
    @Idempotent
    @RolesAllowed({TSE, LEAD, MANAGER, Roles.ESCALATION_MANAGER})
    @Operation(summary = "Offer a remote session")
    public RestResponse<CaseState> offerRemoteSession(@PathParam("caseNumber") String caseNumber,
                                       @Valid @NotNull RemoteSessionRequest request) {
        return ok(new OfferRemoteSession(caseNumber, newId(), request.joinUrl(), request.proposedStart(),
                request.note(), caller));
    }

    @POST
    @Path("/{caseNumber}/consultations")
    @Idempotent
    @RolesAllowed({TSE, LEAD, MANAGER})
    @Operation(summary = "Record a consultation (internal)")
    public RestResponse<CaseState> consult(@PathParam("caseNumber") String caseNumber,
                                           @Valid @NotNull ConsultationRequest request) {
        return ok(new RecordConsultation(caseNumber, newId(), request.party(), request.consultant(), request.notes(),
                caller));
    }

    /** The case's state after the command, typed: what the idempotency layer stores and replays. */
    private RestResponse<CaseState> ok(Object command) {
        return RestResponse.ok(send(command));
    }

    /** Sends a command on the case, expecting the case at the version {@code If-Match} names, if it names one. */
    private CaseState send(Object command) {
        return commands.sendAndWait(ExpectedVersion.of(command, headers.getHeaderString(HttpHeaders.IF_MATCH)));
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }
}
