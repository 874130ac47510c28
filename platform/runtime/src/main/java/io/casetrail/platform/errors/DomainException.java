package io.casetrail.platform.errors;

/**
 * A refusal the domain gives on purpose. Each subclass maps to one HTTP status and problem type; whatever
 * throws it has changed nothing.
 */
public abstract class DomainException extends RuntimeException {

    private final String slug;

    protected DomainException(String slug, String message) {
        super(message, null, false, false);
        this.slug = slug;
    }

    /** The last segment of the problem type URI. */
    public String slug() {
        return slug;
    }

    /** The HTTP status this refusal is answered with. */
    public abstract int status();

    /** The problem title. */
    public abstract String title();
}
