package io.casetrail.platform.errors;

/** The command breaks a business rule in the current state, e.g. an illegal status transition (409). */
public class RuleViolation extends DomainException {

    /** The problem title of this refusal. */
    public static final String TITLE = "Not allowed in the current state";

    public RuleViolation(String slug, String message) {
        super(slug, message);
    }

    public RuleViolation(String message) {
        this("rule-violation", message);
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String title() {
        return TITLE;
    }
}
