package dev.mailkit.smtp.internal.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void perMinute_spacesSendsOverTheRollingWindow() {
        RateLimiter l = new RateLimiter(2, 0);
        assertThat(l.reserve(0).delay()).isZero();
        assertThat(l.reserve(SECOND).delay()).isZero();
        // third within the minute waits until the first booking leaves the window
        assertThat(l.reserve(2 * SECOND).delay()).isEqualTo(Duration.ofSeconds(58));
        // fourth waits until the second leaves
        assertThat(l.reserve(3 * SECOND).delay()).isEqualTo(Duration.ofSeconds(58));
        // after the window everything is free again
        assertThat(l.reserve(200 * SECOND).delay()).isZero();
    }

    @Test
    void perDay_refusesAndSaysWhenItFrees() {
        RateLimiter l = new RateLimiter(0, 2);
        l.reserve(0);
        l.reserve(10 * SECOND);
        RateLimiter.Slot refused = l.reserve(20 * SECOND);
        assertThat(refused.dailyLimitFor()).isEqualTo(Duration.ofDays(1).minusSeconds(20));
        assertThat(l.reserve(Duration.ofDays(1).toNanos() + SECOND).dailyLimitFor()).isNull();
    }

    @Test
    void perSecond_spacesSends_andTheSlowerWindowWins() {
        RateLimiter l = new RateLimiter(1, 0, 0);
        assertThat(l.reserve(0).delay()).isZero();
        assertThat(l.reserve(0).delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(l.reserve(0).delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(l.reserve(10 * SECOND).delay()).isZero();

        RateLimiter both = new RateLimiter(2, 3, 0); // 2 a second, 3 a minute
        assertThat(both.reserve(0).delay()).isZero();
        assertThat(both.reserve(0).delay()).isZero();
        assertThat(both.reserve(0).delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(both.reserve(0).delay()).isEqualTo(Duration.ofSeconds(60));
    }
}
