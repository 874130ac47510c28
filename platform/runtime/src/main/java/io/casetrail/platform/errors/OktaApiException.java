package io.casetrail.platform.errors;

import java.util.List;

/**
 * A refusal on an identity-platform endpoint with a specific error code (e.g. {@code E0000053} for an invalid
 * System Log filter), answered with the identity platform's error body.
 */
public class OktaApiException extends DomainException {

    private final int status;
    private final String code;
    private final List<String> causes;

    public OktaApiException(int status, String code, String summary, List<String> causes) {
        super("okta-" + code, summary);
        this.status = status;
        this.code = code;
        this.causes = List.copyOf(causes);
    }

    public OktaApiException(int status, String code, String summary) {
        this(status, code, summary, List.of());
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public String title() {
        return code;
    }

    public OktaError body() {
        return OktaError.of(code, getMessage(), causes);
    }
}
