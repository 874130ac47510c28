package io.casetrail.logs.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.casetrail.testing.MovableClock;

/** The System Log's budgets: one window a minute each, and none kept once its window has gone by. */
class RateLimiterTest {

    @Test
    void eachBudgetCountsItsOwnMinuteAndPastOnesAreDropped() {
        MovableClock clock = new MovableClock();
        RateLimiter limiter = new RateLimiter(clock, 2);
        assertThat(limiter.take("org-acme").remaining()).isEqualTo(1);
        assertThat(limiter.take("org-acme|aud-al").remaining()).isEqualTo(1);
        assertThat(limiter.take("org-acme").remaining()).isZero();
        assertThat(limiter.take("org-acme").allowed()).isFalse();
        assertThat(limiter.take("org-acme|aud-al").allowed()).isTrue();
        assertThat(limiter.budgets()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(61));
        assertThat(limiter.take("org-globex").allowed()).isTrue();
        // a replay over many orgs leaves nothing behind: the budgets of the minute before are gone
        assertThat(limiter.budgets()).isEqualTo(1);
        assertThat(limiter.take("org-acme").remaining()).isEqualTo(1);
    }
}
