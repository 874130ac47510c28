package io.casetrail.platform.errors;

/** The request is malformed or a value is out of range (400). */
public class InvalidInput extends DomainException {

    /** The problem title of this refusal. */
    public static final String TITLE = "Bad request";

    public InvalidInput(String message) {
        super("invalid-input", message);
    }

    @Override
    public int status() {
        return 400;
    }

    @Override
    public String title() {
        return TITLE;
    }
}
