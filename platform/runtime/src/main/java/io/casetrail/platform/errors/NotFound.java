package io.casetrail.platform.errors;

/** The addressed resource does not exist (404). */
public class NotFound extends DomainException {

    /** The problem title of this refusal. */
    public static final String TITLE = "Not found";

    public NotFound(String message) {
        super("not-found", message);
    }

    @Override
    public int status() {
        return 404;
    }

    @Override
    public String title() {
        return TITLE;
    }
}
