package dev.xaa4j.connector.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.javakeyring.Keyring;
import com.github.javakeyring.PasswordAccessException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.token.SessionAccess;
import dev.xaa4j.connector.internal.token.SessionIdTokenProvider;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against the real OS keyring (Secret Service in CI: run inside {@code .ci/with-keyring}). No skipping: a
 * missing keyring fails these tests with the store's remedy message.
 */
class KeyringCredentialStoreTest {

    private final String service = "xaa4j-test-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    private KeyringCredentialStore store;
    private Keyring raw;

    @BeforeEach
    void setUp() throws Exception {
        store = new KeyringCredentialStore(service);
        raw = Keyring.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        store.delete("k");
        raw.close();
    }

    @Test
    void roundTripsASmallValueAndReportsAbsentKeysAsEmpty() {
        assertThat(store.read("k")).isEmpty();
        store.write("k", "hello wörld");
        assertThat(store.read("k")).contains("hello wörld");
        assertThat(new KeyringCredentialStore(service).read("k")).as("another instance sees it").contains("hello wörld");
    }

    @Test
    void connectingAheadOfUseReadsAndWritesNothingAndTheStoreWorksAfterwards() throws Exception {
        store.connect();
        store.connect(); // idempotent

        assertThatThrownBy(() -> raw.getPassword(service, "k")).as("nothing written").isInstanceOf(Exception.class);
        store.write("k", "after connect");
        assertThat(store.read("k")).contains("after connect");
    }

    @Test
    void storesA16KiloByteValueInChunksOfAtMostTwoKilobytes() throws Exception {
        String big = randomText(16 * 1024);
        store.write("k", big);

        assertThat(store.read("k")).contains(big);
        KeyringCredentialStore.Manifest m = manifest();
        assertThat(m.count()).isEqualTo(16);
        for (int i = 0; i < m.count(); i++) {
            String chunk = raw.getPassword(service, KeyringCredentialStore.chunkAccount("k", m.generation(), i));
            assertThat(chunk.getBytes(java.nio.charset.StandardCharsets.UTF_16LE).length).isLessThanOrEqualTo(2048);
        }
    }

    @Test
    void splitsNonAsciiValuesWithinTheByteBudgetWithoutBreakingSurrogatePairs() throws Exception {
        String value = "é€😀x".repeat(1500); // 1-, 2-, 3- and 4-byte UTF-8 sequences, 7,500 chars
        for (String chunk : KeyringCredentialStore.chunks(value)) {
            assertThat(KeyringCredentialStore.fits(chunk)).isTrue();
            assertThat(Character.isHighSurrogate(chunk.charAt(chunk.length() - 1))).isFalse();
        }
        assertThat(String.join("", KeyringCredentialStore.chunks(value))).isEqualTo(value);

        store.write("k", value);
        assertThat(store.read("k")).contains(value);
        assertThat(manifest().count()).isEqualTo(KeyringCredentialStore.chunks(value).size());
    }

    @Test
    void overwritingWithASmallerValueDeletesTheStaleChunks() throws Exception {
        store.write("k", randomText(16 * 1024));
        KeyringCredentialStore.Manifest first = manifest();

        String smaller = randomText(3000);
        store.write("k", smaller);
        KeyringCredentialStore.Manifest second = manifest();

        assertThat(store.read("k")).contains(smaller);
        assertThat(second.count()).isEqualTo(3);
        assertThat(second.generation()).isNotEqualTo(first.generation());
        assertChunksGone(first);

        store.write("k", "tiny");
        assertThat(raw.getPassword(service, "k")).isEqualTo(KeyringCredentialStore.INLINE_PREFIX + "tiny");
        assertThat(store.read("k")).contains("tiny");
        assertChunksGone(second);
    }

    @Test
    void deleteRemovesTheValueAndItsChunks() throws Exception {
        store.write("k", randomText(5000));
        KeyringCredentialStore.Manifest m = manifest();

        store.delete("k");

        assertThat(store.read("k")).isEmpty();
        assertThatThrownBy(() -> raw.getPassword(service, "k")).isInstanceOf(PasswordAccessException.class);
        assertChunksGone(m);
        store.delete("k"); // absent: ignored
        assertThat(store.read("k")).isEqualTo(Optional.empty());
    }

    @Test
    @Timeout(60)
    void aSessionWithOnePartDeletedIsNotSignedInAndItsRemainsAreRemoved(@TempDir Path tmp) throws Exception {
        SessionStore sessions = new SessionStore(store, tmp);
        String issuer = "https://idp.test";
        String key = SessionStore.key(issuer, "xaa-desktop");
        Instant now = Instant.parse("2026-11-22T00:00:00Z");
        sessions.save(new IdpSession(issuer, "xaa-desktop", "alice", randomText(6000), now.plusSeconds(600),
                Optional.of("refresh-token"), now));
        try {
            KeyringCredentialStore.Manifest m = KeyringCredentialStore.Manifest.parse(key, raw.getPassword(service, key));
            assertThat(m.count()).isGreaterThan(2);
            raw.deletePassword(service, KeyringCredentialStore.chunkAccount(key, m.generation(), 1)); // as `secret-tool clear` would

            assertThat(sessions.load(issuer, "xaa-desktop")).as("not signed in, no error").isEmpty();
            SessionIdTokenProvider idTokens = new SessionIdTokenProvider(SessionAccess.of(sessions, issuer, "xaa-desktop"),
                    s -> s, Clock.fixed(now, ZoneOffset.UTC), Duration.ofSeconds(60));
            assertThatThrownBy(idTokens::idToken).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED)
                    .hasMessageContaining("not signed in");
            assertThatThrownBy(() -> raw.getPassword(service, key)).as("the manifest is removed")
                    .isInstanceOf(PasswordAccessException.class);
            for (int i = 0; i < m.count(); i++) {
                String account = KeyringCredentialStore.chunkAccount(key, m.generation(), i);
                assertThatThrownBy(() -> raw.getPassword(service, account)).as(account).isInstanceOf(PasswordAccessException.class);
            }
        } finally {
            store.delete(key);
        }
    }

    @Test
    @Timeout(60)
    void aWriteThatCrashesBeforeItsManifestLeavesThePreviousValueAndTheNextWriteRemovesItsParts() throws Exception {
        String before = randomText(5000);
        store.write("k", before);
        KeyringCredentialStore crashing = crashAfterSecondChunk();

        assertThatThrownBy(() -> crashing.write("k", randomText(7000))).hasMessage("simulated crash");
        String orphans = raw.getPassword(service, KeyringCredentialStore.pendingAccount("k"));
        assertThat(raw.getPassword(service, KeyringCredentialStore.chunkAccount("k", orphans, 1))).isNotNull();
        assertThat(new KeyringCredentialStore(service).read("k")).as("the previous value, whole").contains(before);

        String after = randomText(3000);
        store.write("k", after);
        assertThat(store.read("k")).contains(after);
        assertChunksGone(new KeyringCredentialStore.Manifest(orphans, 4, 0));
        assertThatThrownBy(() -> raw.getPassword(service, KeyringCredentialStore.pendingAccount("k")))
                .isInstanceOf(PasswordAccessException.class);
    }

    @Test
    @Timeout(60)
    void aFirstWriteThatCrashesLeavesNoValueAndDeleteRemovesItsParts() throws Exception {
        KeyringCredentialStore crashing = crashAfterSecondChunk();

        assertThatThrownBy(() -> crashing.write("k", randomText(7000))).hasMessage("simulated crash");
        String orphans = raw.getPassword(service, KeyringCredentialStore.pendingAccount("k"));
        assertThat(store.read("k")).as("none, never a half value").isEmpty();

        store.delete("k"); // e.g. sign-out
        assertChunksGone(new KeyringCredentialStore.Manifest(orphans, 4, 0));
        assertThatThrownBy(() -> raw.getPassword(service, KeyringCredentialStore.pendingAccount("k")))
                .isInstanceOf(PasswordAccessException.class);
    }

    /** A store whose process "dies" right after storing the second chunk of a write. */
    private KeyringCredentialStore crashAfterSecondChunk() {
        AtomicInteger chunks = new AtomicInteger();
        return new KeyringCredentialStore(service, account -> {
            if (account.startsWith("k#g") && !account.equals(KeyringCredentialStore.pendingAccount("k"))
                    && chunks.incrementAndGet() == 2) {
                throw new IllegalStateException("simulated crash");
            }
        });
    }

    private KeyringCredentialStore.Manifest manifest() throws Exception {
        return KeyringCredentialStore.Manifest.parse("k", raw.getPassword(service, "k"));
    }

    private void assertChunksGone(KeyringCredentialStore.Manifest m) {
        for (int i = 0; i < m.count(); i++) {
            String account = KeyringCredentialStore.chunkAccount("k", m.generation(), i);
            assertThatThrownBy(() -> raw.getPassword(service, account)).as(account).isInstanceOf(PasswordAccessException.class);
        }
    }

    private static String randomText(int length) {
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder(length);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
