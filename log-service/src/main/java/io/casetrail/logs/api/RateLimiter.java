package io.casetrail.logs.api;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The System Log's rate limit: a fixed one-minute window per budget
 * ({@code casetrail.system-log.rate-limit-per-minute}, 120 like the identity platform's Workforce Identity orgs): an
 * org's, shared by its callers, or one vendor reader's for an org (the resource names the budget). Counted per
 * service instance: N instances allow up to N times the limit, which errs on the side of answering. Budgets of windows gone by are dropped as a new window begins.
 */
@Singleton
public class RateLimiter {

    /** The state of a budget's window after a request: what the {@code X-Rate-Limit-*} headers say. */
    public record Window(int limit, int remaining, long resetEpochSecond, boolean allowed) {

        /** The answer with the window's {@code X-Rate-Limit-Limit}, {@code -Remaining} and {@code -Reset}. */
        public Response.ResponseBuilder headers(Response.ResponseBuilder response) {
            return response.header("X-Rate-Limit-Limit", limit).header("X-Rate-Limit-Remaining", remaining)
                    .header("X-Rate-Limit-Reset", resetEpochSecond);
        }
    }

    private record Counter(long windowStartSecond, int used) {
    }

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicLong sweptWindow = new AtomicLong();
    private final Clock clock;
    private final int limit;

    public RateLimiter(Clock clock,
                       @ConfigProperty(name = "casetrail.system-log.rate-limit-per-minute", defaultValue = "120")
                       int limit) {
        this.clock = clock;
        this.limit = limit;
    }

    /** The budgets counted now (those of the current window, and of older ones not yet dropped). */
    int budgets() {
        return counters.size();
    }

    public Window take(String budget) {
        long nowSecond = clock.millis() / 1000;
        long windowStart = nowSecond - nowSecond % 60;
        long swept = sweptWindow.get();
        if (swept < windowStart && sweptWindow.compareAndSet(swept, windowStart)) {
            counters.values().removeIf(counter -> counter.windowStartSecond() < windowStart);
        }
        Counter counter = counters.compute(budget, (key, current) -> current == null
                || current.windowStartSecond() != windowStart ? new Counter(windowStart, 1)
                : new Counter(windowStart, current.used() + 1));
        int remaining = Math.max(0, limit - counter.used());
        return new Window(limit, remaining, windowStart + 60, counter.used() <= limit);
    }
}
