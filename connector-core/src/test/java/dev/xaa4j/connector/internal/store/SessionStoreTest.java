package dev.xaa4j.connector.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.testing.LockHolder;
import dev.xaa4j.testing.ChildJvm;
import dev.xaa4j.testing.Processes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SessionStoreTest {

    private static final String ISSUER = "https://idp.example";
    private static final String CLIENT = "client-1";

    @TempDir
    Path tmp;

    private static IdpSession session(String idToken, Optional<String> refresh) {
        return new IdpSession(ISSUER, CLIENT, "alice", idToken, Instant.parse("2026-11-22T01:00:00Z"), refresh,
                Instant.parse("2026-11-22T00:00:00Z"));
    }

    @Test
    void roundTripsASessionAndReReadsTheStoreOnEveryLoad() {
        MemoryCredentialStore memory = new MemoryCredentialStore();
        SessionStore sessions = new SessionStore(memory, tmp.resolve("locks"));
        IdpSession s = session("eyJ.id.token", Optional.of("refresh-1"));

        sessions.save(s);
        assertThat(sessions.load(ISSUER, CLIENT)).contains(s);
        assertThat(sessions.load(ISSUER, "other-client")).isEmpty();

        // another process rotated the refresh token: load sees it
        new SessionStore(memory, tmp.resolve("locks")).save(session("eyJ.id.token2", Optional.of("refresh-2")));
        assertThat(sessions.load(ISSUER, CLIENT).flatMap(IdpSession::refreshToken)).contains("refresh-2");

        sessions.save(session("eyJ.id.token3", Optional.empty()));
        assertThat(sessions.load(ISSUER, CLIENT).orElseThrow().refreshToken()).isEmpty();

        sessions.delete(ISSUER, CLIENT);
        assertThat(sessions.load(ISSUER, CLIENT)).isEmpty();
        assertThat(memory.read(SessionStore.key(ISSUER, CLIENT))).isEmpty();
    }

    @Test
    void roundTripsThroughTheOsKeyring() {
        KeyringCredentialStore keyring = new KeyringCredentialStore("xaa4j-test-sessions");
        SessionStore sessions = new SessionStore(keyring, tmp.resolve("locks"));
        IdpSession s = session("eyJ" + "x".repeat(4000), Optional.of("refresh-1"));
        try {
            sessions.save(s);
            assertThat(new SessionStore(new KeyringCredentialStore("xaa4j-test-sessions"), tmp).load(ISSUER, CLIENT)).contains(s);
        } finally {
            sessions.delete(ISSUER, CLIENT);
        }
        assertThat(sessions.load(ISSUER, CLIENT)).isEmpty();
    }

    @Test
    void toStringNeverPrintsTokens() {
        IdpSession s = session("eyJ.secret-id-token", Optional.of("secret-refresh"));
        assertThat(s.toString()).contains("alice").doesNotContain("secret-id-token").doesNotContain("secret-refresh");
    }

    @Test
    void anUnreadableStoredSessionMeansSignInAgain() {
        MemoryCredentialStore memory = new MemoryCredentialStore();
        memory.write(SessionStore.key(ISSUER, CLIENT), "{not json");
        assertThat(new SessionStore(memory, tmp).load(ISSUER, CLIENT)).isEmpty();
    }

    @Test
    void lockDirectoryIsPrivate() throws Exception {
        Path dir = tmp.resolve("private-locks");
        new SessionStore(new MemoryCredentialStore(), dir).withLock(ISSUER, CLIENT, () -> "x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void theSessionGenerationAdvancedByOneProcessIsSeenByAnother() {
        Path locks = tmp.resolve("generation-locks");
        SessionStore mine = new SessionStore(new MemoryCredentialStore(), locks);
        SessionStore other = new SessionStore(new MemoryCredentialStore(), locks);
        assertThat(other.generation("https://idp.example", "xaa")).isZero();

        assertThat(mine.advanceGeneration("https://idp.example", "xaa")).isEqualTo(1);
        assertThat(mine.advanceGeneration("https://idp.example", "xaa")).isEqualTo(2);

        assertThat(other.generation("https://idp.example", "xaa")).isEqualTo(2);
        assertThat(other.generation("https://idp.example", "another-client")).as("per (issuer, client id)").isZero();
    }

    @Test
    void withLockIsReentrantInOneThread() throws Exception {
        SessionStore sessions = new SessionStore(new MemoryCredentialStore(), tmp);
        String r = sessions.withLock(ISSUER, CLIENT, () -> sessions.withLock(ISSUER, CLIENT, () -> "inner"));
        assertThat(r).isEqualTo("inner");
    }

    @Tag("slow")
    @Test
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a blocked readLine fails, not hangs
    void aSecondProcessWaitsUntilTheFirstReleasesTheLock() throws Exception {
        Path locks = tmp.resolve("locks");
        Process child = Processes.start(ChildJvm.builder(List.of(), Map.of(), LockHolder.class,
                locks.toString(), ISSUER, CLIENT, "1500"));
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("LOCKED");

            SessionStore sessions = new SessionStore(new MemoryCredentialStore(), locks);
            long entered = sessions.withLock(ISSUER, CLIENT, System::currentTimeMillis);

            String releasing = out.readLine();
            assertThat(releasing).startsWith("RELEASING ");
            long released = Long.parseLong(releasing.substring("RELEASING ".length()));
            assertThat(entered).as("entered only after the other process released").isGreaterThanOrEqualTo(released);
            // a different (issuer, client) is not blocked
            assertThat(sessions.lockFile(ISSUER, "other")).isNotEqualTo(sessions.lockFile(ISSUER, CLIENT));
        } finally {
            Processes.awaitExit(child, Duration.ofSeconds(30), "the lock holder", () -> "");
        }
        assertThat(child.exitValue()).isZero();
    }
}
