package dev.xaa4j.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Awaitility's defaults for every test class (autodetected, META-INF/services): the first check at once and then
 * every {@value #POLL_MILLIS} ms, instead of Awaitility's 100 ms before the first check and between checks, so a
 * condition that already holds costs nothing and a test that awaits in a loop does not sleep 100 ms a step. A
 * deadline ({@code atMost}, default 10 s) stays each await's own.
 */
public final class AwaitilityDefaults implements BeforeAllCallback {

    static final long POLL_MILLIS = 10;

    @Override
    public void beforeAll(ExtensionContext context) {
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        Awaitility.setDefaultPollInterval(Duration.ofMillis(POLL_MILLIS));
    }
}
