package io.casetrail.orgadmin.directory;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * An id of the identity platform's directory (00u1alice, ftrBETA, 0oa1): at most 64 characters, of letters, digits
 * and {@code _ . ~ -} only. No comma, which the stored lists of ids (a flag's dependencies, a consent's users and
 * flags) separate them with; no space, no slash.
 */
@Documented
@Constraint(validatedBy = {})
@Size(max = 64)
@Pattern(regexp = "[A-Za-z0-9_.~-]*", message = "an id of letters, digits and _ . ~ - only")
@Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Retention(RUNTIME)
public @interface DirectoryId {

    String message() default "an id of at most 64 letters, digits and _ . ~ -";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
