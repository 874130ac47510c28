package io.casetrail.orgadmin.directory;

import io.casetrail.platform.errors.RuleViolation;

/** A name several of the org's rows answer to (two applications called {@code bookmark}): ask by id (409). */
public final class AmbiguousName extends RuleViolation {

    AmbiguousName(String message) {
        super("ambiguous-name", message);
    }
}
