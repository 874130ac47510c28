package io.casetrail.events;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the CloudEvents {@code type} of a domain event payload, e.g. {@code io.casetrail.case.opened.v1}.
 *
 * <p>The name is part of the published contract: within one version only optional fields may be added;
 * a breaking change gets a new {@code vN} type (and an upcaster in the producing service).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {

    /** The full CloudEvents type, {@code io.casetrail.<context>.<event>.v<N>}. */
    String value();
}
