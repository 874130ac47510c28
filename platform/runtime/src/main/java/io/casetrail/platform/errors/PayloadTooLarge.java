package io.casetrail.platform.errors;

/** The request body is larger than this endpoint accepts (413). */
public class PayloadTooLarge extends DomainException {

    /** The problem title of this refusal. */
    public static final String TITLE = "Payload too large";

    public PayloadTooLarge(String message) {
        super("payload-too-large", message);
    }

    @Override
    public int status() {
        return 413;
    }

    @Override
    public String title() {
        return TITLE;
    }
}
