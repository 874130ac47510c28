package io.casetrail.cases.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.casetrail.cases.command.CaseSettings;
import io.casetrail.cases.command.CaseState;
import io.casetrail.cases.command.CheckUpload;
import io.casetrail.cases.command.RecordAttachment;
import io.casetrail.cases.query.CaseQueries;
import io.casetrail.cases.query.CaseReadAccess;
import io.casetrail.cases.query.CaseView;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.errors.PayloadTooLarge;
import io.casetrail.platform.idempotency.Idempotent;
import io.casetrail.platform.idempotency.IdempotentWrites;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;
import io.casetrail.platform.store.Jdbc;

/**
 * Files on a case. The upload body is the file itself (any content type, name in {@code fileName}); its
 * content is stored with its SHA-256 and size in the same transaction as the event that records it, and refused
 * above {@code casetrail.cases.max-upload-bytes} (25 MiB by default).
 */
@RequestScoped
@Path("/cases/{caseNumber}/attachments")
@Tag(name = "Cases")
@SecurityRequirement(name = "jwt")
public class AttachmentResource {

    @Inject
    CommandGateway commands;

    @Inject
    CaseQueries cases;

    @Inject
    CaseSettings settings;

    @Inject
    Jdbc jdbc;

    @Inject
    Clock clock;

    @Inject
    Caller caller;

    @Inject
    IdempotentWrites writes;

    @POST
    @Idempotent
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ORG_ADMIN, Roles.ORG_SUPER_ADMIN, Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD,
            Roles.SUPPORT_MANAGER, Roles.ESCALATION_MANAGER})
    @Operation(summary = "Upload a file", description = "The body is the file. Support may keep a file internal"
            + " (internal=true). A file support shares with the customer is correspondence: while an escalation"
            + " manager is the customer's intermediary, only they share one (409 for the engineer and leads).")
    @APIResponse(responseCode = "201", description = "Stored; Location is where to download it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CaseState.class)))
    @APIResponse(responseCode = "413", description = "Larger than the configured limit")
    public Response upload(@PathParam("caseNumber") String caseNumber, @QueryParam("fileName") String fileName,
                           @QueryParam("internal") String internalParameter,
                           @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                           @Context HttpHeaders headers, @Context UriInfo uri, InputStream body)
            throws IOException {
        for (String name : List.of("fileName", "internal")) {
            // given twice, one of its values would be read and the other dropped: which file, public or internal?
            if (uri.getQueryParameters().getOrDefault(name, List.of()).size() > 1) {
                throw new InvalidInput(name + ": given more than once");
            }
        }
        // how the body is framed (a declared length, or chunks) is no part of the request an Idempotency-Key names:
        // read from the headers, not a parameter, so that the same bytes sent either way are the same request
        Long contentLength = declaredLength(headers);
        if (fileName == null || fileName.isBlank() || fileName.length() > 255 || fileName.contains("/")
                || fileName.contains("\\") || fileName.chars().allMatch(c -> c == '.')
                || fileName.codePoints().anyMatch(AttachmentResource::isControlOrFormat)) {
            throw new InvalidInput("fileName: give the file's name (at most 255 characters, no '/' or '\\', not"
                    + " only dots, no control or formatting characters such as a right-to-left override)");
        }
        // true or false, nothing else: any other value read as false would show the customer a file meant internal
        if (internalParameter != null && !internalParameter.equals("true") && !internalParameter.equals("false")) {
            throw new InvalidInput("internal: true or false");
        }
        boolean internal = "true".equals(internalParameter);
        if (contentType != null && (contentType.length() > 255 || !isMediaType(contentType))) {
            throw new InvalidInput("Content-Type: a media type (type/subtype), at most 255 characters");
        }
        // refuse strangers, and uploads the case would not take, before reading a byte of the body; the case decides
        // (a case opened or assigned a moment ago is there, whatever its view has caught up with), and again below.
        // No transaction is open while the body arrives (IdempotentWrites): the check has one of its own
        commands.sendAndWait(new CheckUpload(caseNumber, internal, caller));
        long limit = settings.maxUploadBytes();
        if (contentLength != null && contentLength > limit) {
            throw tooLarge(limit);
        }
        byte[] sentDigest = sentSha256(headers);
        MessageDigest sha256 = sha256();
        byte[] content;
        try (InputStream in = new DigestInputStream(body, sha256)) {
            content = in.readNBytes((int) limit + 1); // the limit is at most 1 GiB - 1 (CaseSettings)
        }
        if (content.length > limit) {
            throw tooLarge(limit);
        }
        if (content.length == 0) {
            throw new InvalidInput("the file is empty");
        }
        byte[] received = sha256.digest();
        if (sentDigest != null && !MessageDigest.isEqual(sentDigest, received)) {
            throw new InvalidInput("Content-Digest: the file arrived with SHA-256 " + HexFormat.of().formatHex(received)
                    + ", not the " + HexFormat.of().formatHex(sentDigest) + " sent: it changed on its way; send it"
                    + " again");
        }
        String id = UUID.randomUUID().toString();
        String digest = HexFormat.of().formatHex(received);
        String type = contentType == null ? MediaType.APPLICATION_OCTET_STREAM : contentType;
        return writes.commit(() -> {
            jdbc.update("INSERT INTO attachment_content (attachment_id, case_number, file_name, content_type,"
                            + " size_bytes, sha256, content, internal, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    id, caseNumber, fileName, type, (long) content.length, digest, content, internal, clock.instant());
            CaseState state = commands.sendAndWait(new RecordAttachment(caseNumber, id, fileName, type,
                    content.length, digest, internal, caller));
            return Response.created(URI.create("/cases/" + caseNumber + "/attachments/" + id)).entity(state).build();
        });
    }

    @GET
    @Path("/{attachmentId}")
    @Produces(MediaType.WILDCARD)
    @RolesAllowed({Roles.ORG_ADMIN, Roles.ORG_SUPER_ADMIN, Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD,
            Roles.SUPPORT_MANAGER, Roles.ESCALATION_MANAGER, Roles.AUDITOR})
    @Operation(summary = "Download a file", description = "With its SHA-256 in the Digest header. Customers cannot"
            + " download internal files.")
    @APIResponse(responseCode = "200", description = "The file as it was uploaded, of the type it was uploaded with",
            content = @Content(mediaType = MediaType.WILDCARD,
                    schema = @Schema(type = SchemaType.STRING, format = "binary")))
    public Response download(@PathParam("caseNumber") String caseNumber,
                             @PathParam("attachmentId") String attachmentId) {
        CaseView view = cases.find(caseNumber).orElseThrow(() -> new NotFound("there is no case " + caseNumber));
        CaseReadAccess.requireMaySee(caller, view);
        return jdbc.queryOne("SELECT file_name, content_type, sha256, content, internal FROM attachment_content"
                        + " WHERE attachment_id = ? AND case_number = ?", row -> {
                    if (row.getBoolean("internal") && caller.isCustomer()) {
                        throw new AccessDenied("this file is internal to support");
                    }
                    byte[] content = row.getBytes("content");
                    String stored = row.getString("sha256");
                    // the file is served as it was received, or not at all: a changed one is not vouched for
                    if (!HexFormat.of().formatHex(sha256().digest(content)).equals(stored)) {
                        throw new IllegalStateException("file " + attachmentId + " of case " + caseNumber
                                + " no longer matches its SHA-256 " + stored + ": its stored content changed");
                    }
                    String base64 = java.util.Base64.getEncoder().encodeToString(HexFormat.of().parseHex(stored));
                    return Response.ok(content, row.getString("content_type"))
                            .header("Content-Disposition", contentDisposition(row.getString("file_name")))
                            // a browser shows the file as the type it was uploaded with, never as what it sniffs
                            .header("X-Content-Type-Options", "nosniff")
                            .header("Digest", "sha-256=" + base64)
                            .header("Repr-Digest", "sha-256=:" + base64 + ":")
                            .header("X-Content-SHA256", stored)
                            .build();
                }, attachmentId, caseNumber)
                .orElseThrow(() -> new NotFound("case " + caseNumber + " has no file " + attachmentId));
    }

    /** Control characters, and formatting ones that change how a name reads (U+202E turns "exe.txt" around). */
    private static boolean isControlOrFormat(int c) {
        return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT;
    }

    private static boolean isMediaType(String value) {
        try {
            MediaType type = MediaType.valueOf(value);
            return !type.isWildcardType() && !type.isWildcardSubtype();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Long declaredLength(HttpHeaders headers) {
        String declared = headers.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        try {
            return declared == null ? null : Long.valueOf(declared.trim());
        } catch (NumberFormatException e) {
            return null; // the HTTP server refuses a malformed length before this runs
        }
    }

    /**
     * {@code attachment} with the name twice (RFC 6266): in ASCII for every client ({@code "}, {@code \}, {@code %}
     * and anything outside printable ASCII as {@code _}), and exactly, UTF-8 percent-encoded, in {@code filename*}.
     */
    static String contentDisposition(String fileName) {
        StringBuilder ascii = new StringBuilder();
        // '%' too: some clients percent-decode the plain name (RFC 6266, appendix D)
        fileName.codePoints().forEach(c -> ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%'
                ? (char) c : '_'));
        StringBuilder encoded = new StringBuilder();
        for (byte b : fileName.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x7f && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }

    private static PayloadTooLarge tooLarge(long limit) {
        return new PayloadTooLarge("files may be at most " + limit + " bytes");
    }

    /**
     * The SHA-256 a client sent for the file, as RFC 9530 has it ({@code Content-Digest} or {@code Repr-Digest}:
     * {@code sha-256=:<base64>:}, among other algorithms, which are not checked); null when it sent none. Every
     * {@code sha-256} member of both headers is read: one malformed, or two that differ (one of them is not the
     * file's, whichever arrived), is refused.
     */
    static byte[] sentSha256(HttpHeaders headers) {
        byte[] sent = null;
        for (String header : new String[] {"Content-Digest", "Repr-Digest"}) {
            String value = headers.getHeaderString(header);
            if (value == null) {
                continue;
            }
            for (String member : value.split(",")) {
                String[] pair = member.trim().split("=", 2);
                if (!pair[0].trim().equalsIgnoreCase("sha-256")) {
                    continue;
                }
                String encoded = pair.length < 2 ? "" : pair[1].trim();
                try {
                    if (encoded.length() < 2 || !encoded.startsWith(":") || !encoded.endsWith(":")) {
                        throw new IllegalArgumentException("not :base64:");
                    }
                    byte[] digest = java.util.Base64.getDecoder().decode(encoded.substring(1, encoded.length() - 1));
                    if (digest.length == 32) {
                        if (sent != null && !MessageDigest.isEqual(sent, digest)) {
                            throw new InvalidInput(header + ": the sha-256 values sent differ; send the file's one");
                        }
                        sent = digest;
                        continue;
                    }
                } catch (IllegalArgumentException malformed) {
                    // answered below
                }
                throw new InvalidInput(header + ": sha-256=:<the file's SHA-256 in base64>:");
            }
        }
        return sent;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
