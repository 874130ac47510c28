package io.casetrail.cases.api;

import java.util.Objects;
import java.util.stream.Stream;

import jakarta.ws.rs.core.HttpHeaders;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Documents {@code If-Match} on the case commands, which {@link CaseResource} reads from the headers (the generated
 * document would not know it): every POST and DELETE under {@code /cases/{caseNumber}/}, uploads aside, takes it and
 * may answer 409 {@code stale-version}.
 */
public class IfMatchDocumentation implements OASFilter {

    static final String COMMANDS = "/cases/{caseNumber}/";
    static final String UPLOADS = "/cases/{caseNumber}/attachments";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith(COMMANDS) || path.startsWith(UPLOADS)) {
                return;
            }
            Stream.of(item.getPOST(), item.getDELETE()).filter(Objects::nonNull).forEach(operation -> {
                operation.addParameter(OASFactory.createParameter().name(HttpHeaders.IF_MATCH)
                        .in(Parameter.In.HEADER).required(false).example("\"3\"")
                        .description("The version of the case the command expects, as a command's answer (or, for"
                                + " support, the case view) gave it; a case at another version refuses the command"
                                + " (409 stale-version), checked after the command's own rules."));
                APIResponses responses = operation.getResponses() == null ? OASFactory.createAPIResponses()
                        : operation.getResponses();
                if (responses.getAPIResponse("409") == null) {
                    responses.addAPIResponse("409", OASFactory.createAPIResponse().description("The case's rules"
                            + " refuse the command in its state, or it changed since the If-Match version"
                            + " (stale-version)"));
                }
                operation.setResponses(responses);
            });
        });
    }
}
