package io.casetrail.platform.api;

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
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Pattern;

/**
 * An optional text: absent (null) or holding more than white space. Blank text is neither left out nor a value:
 * kept, it would be recorded and shown as if something were said ("article ", "reason: ").
 */
@Documented
@Constraint(validatedBy = {})
@Pattern(regexp = "(?s).*\\S.*")
@ReportAsSingleViolation
@Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Retention(RUNTIME)
public @interface NotBlankWhenGiven {

    String message() default "must not be blank when given (leave it out instead)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
