package io.casetrail.platform.errors;

/** The caller is authenticated but may not do this to this resource (403). */
public class AccessDenied extends DomainException {

    public AccessDenied(String message) {
        super("forbidden", message);
    }

    @Override
    public int status() {
        return 403;
    }

    @Override
    public String title() {
        return "Forbidden";
    }
}
