package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 13 point 4: a grouped notice right after another balloon is shown, not dropped; repeats stay quiet. */
@Timeout(10)
class BalloonsTest {

    private static final long S = Duration.ofSeconds(1).toNanos();

    @Test
    void aRevokedGroupRightAfterASignInBalloonIsShownButTheSameSubjectStaysQuietForHalfAMinute() {
        Balloons balloons = new Balloons();
        long t0 = 1_000 * S;
        assertThat(balloons.admit("Sign-in needed", t0)).isTrue();
        assertThat(balloons.admit("3 servers need you\n3 servers need you: access revoked (notes, tickets, wiki).", t0 + S))
                .as("another subject: shown at once").isTrue();
        assertThat(balloons.admit("Sign-in needed", t0 + 2 * S)).as("a second bridge noticing the same").isFalse();
        assertThat(balloons.admit("Sign-in needed", t0 + 31 * S)).as("after the quiet half minute").isTrue();
    }
}
