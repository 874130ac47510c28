package io.casetrail.platform.idempotency;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.interceptor.InterceptorBinding;

/**
 * Marks a command endpoint that honours the {@code Idempotency-Key} header: a retried key returns the first
 * answer without running the command again. The endpoint must return a {@link jakarta.ws.rs.core.Response} or, typed by
 * its body, an {@link org.jboss.resteasy.reactive.RestResponse}.
 * See {@link IdempotencyInterceptor}.
 */
@InterceptorBinding
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Idempotent {
}
