package dev.xaa4j.bridge.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xaa4j.bridge.proxy.UpstreamAuth;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.host.config.XaaConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bridge's token chain started before its command line is parsed: what the bridge may adopt, and when not. */
@Timeout(10)
class EarlyTokenFetchTest {

    static final XaaConfig NOTES = new XaaConfig(null, Map.of("notes",
            new ServerEntry("http://127.0.0.1:9/notes/mcp", null, null, null)));

    final List<String> asked = new CopyOnWriteArrayList<>();
    final AtomicInteger built = new AtomicInteger();

    @Test
    void fetchesTheServersTokenAtOnceAndHandsTheConfigurationAndAuthToTheBridge() {
        UpstreamAuth auth = recording();
        EarlyTokenFetch early = EarlyTokenFetch.start("notes", () -> NOTES, c -> {
            built.incrementAndGet();
            return auth;
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> asked.contains("notes")); // before the bridge asks
        Optional<EarlyTokenFetch.Prepared> taken = early.take("notes");
        assertThat(taken).isPresent();
        assertThat(taken.get().config()).isSameAs(NOTES);
        assertThat(taken.get().auth()).isSameAs(auth);
        assertThat(built).hasValue(1);
    }

    @Test
    void aFailedEarlyFetchIsLeftForTheBridgeToReport() {
        UpstreamAuth failing = new Recording() {
            @Override
            public Optional<String> authorization(String server) {
                asked.add(server);
                throw new IllegalStateException("keyring locked");
            }
        };
        EarlyTokenFetch early = EarlyTokenFetch.start("notes", () -> NOTES, c -> failing);

        await().atMost(Duration.ofSeconds(5)).until(() -> asked.contains("notes"));
        assertThat(early.take("notes")).map(EarlyTokenFetch.Prepared::auth).contains(failing);
    }

    @Test
    void anUnreadableConfigurationLeavesNothingToAdopt() {
        EarlyTokenFetch early = EarlyTokenFetch.start("notes", () -> {
            throw new IllegalArgumentException("config.json: unexpected character");
        }, c -> recording());

        assertThat(early.take("notes")).isEmpty();
        assertThat(asked).isEmpty();
    }

    @Test
    void aServerTheConfigurationDoesNotKnowLeavesNothingToAdoptAndFetchesNothing() {
        EarlyTokenFetch early = EarlyTokenFetch.start("tickets", () -> NOTES, c -> {
            built.incrementAndGet();
            return recording();
        });

        assertThat(early.take("tickets")).isEmpty();
        assertThat(built).hasValue(0);
        assertThat(asked).isEmpty();
    }

    @Test
    void whatWasPreparedForOneServerIsNeverHandedToAnother() {
        EarlyTokenFetch early = EarlyTokenFetch.start("notes", () -> NOTES, c -> recording());

        assertThat(early.take("tickets")).isEmpty();
        assertThat(early.take("notes")).isPresent();
    }

    @Test
    void aUrlServerIsPreparedWithoutAConfiguredEntry() {
        EarlyTokenFetch early = EarlyTokenFetch.start("http://127.0.0.1:9/other/mcp", () -> NOTES, c -> recording());

        assertThat(early.take("http://127.0.0.1:9/other/mcp")).isPresent();
        await().atMost(Duration.ofSeconds(5)).until(() -> asked.contains("http://127.0.0.1:9/other/mcp"));
    }

    private UpstreamAuth recording() {
        return new Recording();
    }

    private class Recording implements UpstreamAuth {
        @Override
        public Optional<String> authorization(String server) {
            asked.add(server);
            return Optional.of("Bearer t");
        }

        @Override
        public void unauthorized(String server) {
        }

        @Override
        public boolean stepUp(String server, String scope) {
            return false;
        }

        @Override
        public void onChange(Runnable listener) {
        }
    }
}
