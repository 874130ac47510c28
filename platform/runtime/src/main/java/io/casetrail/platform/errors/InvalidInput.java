package io.casetrail.platform.errors;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request is malformed or a value is out of range (400). A message written {@code field: what is wrong} names
 * the field (or header) refused, and its problem lists it in {@code errors}, as a refusal by annotation does.
 */
public class InvalidInput extends DomainException {

    /** The problem title of this refusal. */
    public static final String TITLE = "Bad request";

    private static final Pattern OF_A_FIELD = Pattern.compile("([A-Za-z][A-Za-z0-9_.\\[\\]-]*): (.+)",
            Pattern.DOTALL);

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

    /** The field the message names, as a problem's {@code errors}; null for a message of no one field. */
    public List<Problem.FieldError> fieldErrors() {
        Matcher field = OF_A_FIELD.matcher(getMessage() == null ? "" : getMessage());
        return field.matches() ? List.of(new Problem.FieldError(field.group(1), field.group(2))) : null;
    }
}
