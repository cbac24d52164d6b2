package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xaa4j.bridge.BridgeException.Reason;
import dev.xaa4j.bridge.engine.EngineAuth;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 8 item 2c: the bridge's embedded engine does not remember a failed start for the bridge's whole life. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EngineAuthTest {

    @Test
    void aFailedEngineBuildIsTriedAgainSoABridgeRecoversWithoutARestart() {
        AtomicInteger builds = new AtomicInteger();
        EngineAuth auth = new EngineAuth(() -> {
            if (builds.incrementAndGet() == 1) {
                throw new BridgeException(Reason.SIGN_IN_REQUIRED, "xaa is not set up yet: run `xaa idp ...`, then `xaa login`");
            }
            return connector();
        }, false);

        assertThatThrownBy(() -> auth.authorization("notes")).isInstanceOf(BridgeException.class)
                .hasMessageContaining("xaa login");
        assertThatThrownBy(() -> auth.authorization("notes")).as("answered from memory right after the failure")
                .hasMessageContaining("xaa login");
        assertThat(builds).hasValue(1);

        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> auth.authorization("notes").equals(Optional.of("Bearer engine-token")));
        assertThat(builds).hasValue(2);
    }

    private static Connector connector() {
        TokenFetcher fetcher = (server, extra) -> new TokenFetcher.Fetched(new AccessToken(server, "engine-token", "Bearer",
                Instant.now().plusSeconds(600), Set.of("notes.read")),
                StubConnectors.NOTES_KEY);
        return StubConnectors.notes(fetcher);
    }
}
