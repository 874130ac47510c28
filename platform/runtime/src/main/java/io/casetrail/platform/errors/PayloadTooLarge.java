package io.casetrail.platform.errors;

/** The request body is larger than this endpoint accepts (413). */
public class PayloadTooLarge extends DomainException {

    public PayloadTooLarge(String message) {
        super("payload-too-large", message);
    }

    @Override
    public int status() {
        return 413;
    }

    @Override
    public String title() {
        return "Payload too large";
    }
}
