package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.javakeyring.Keyring;
import com.github.javakeyring.PasswordAccessException;
import dev.xaa4j.connector.internal.store.SessionStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stored session with one keyring part deleted (by hand, another tool, a crash of an older version) is "not
 * signed in" to every command: exit 3 with the next step, never exit 1 "entry incomplete". Real processes,
 * real Secret Service: runs inside {@code .ci/with-keyring} (marked by {@code XAA_REAL_HOME}).
 */
@Tag("slow")
class BrokenKeyringSessionTest extends KeyringIssuer {

    @BeforeAll
    static void start() throws Exception {
        configureNotes(BrokenKeyringSessionTest::xaa);
    }

    @AfterAll
    static void stop() throws Exception {
        if (issuer != null) {
            xaa("", "logout"); // then KeyringIssuer closes the issuer
        }
    }

    @Test
    @Timeout(180)
    void aSessionWithOneKeyringPartMissingIsNotSignedInWithExitThree() throws Exception {
        login("alice");
        ok(xaa("", "token", "notes"));

        String key = SessionStore.key(issuer.idpIssuer().toString(), "xaa-desktop");
        try (Keyring keyring = Keyring.create()) {
            String manifest = keyring.getPassword("xaa4j", key);
            assertThat(manifest).as("the session is stored in parts").startsWith("xaa4j:chunks:v1:");
            String generation = manifest.substring("xaa4j:chunks:v1:".length()).split(":")[0];
            keyring.deletePassword("xaa4j", key + "#g" + generation + ".0");

            CommandRun token = xaa("", "token", "notes");
            assertThat(token.exit()).as(token.out()).isEqualTo(3);
            assertThat(token.out()).contains("not signed in").doesNotContain("entry incomplete");
            CommandRun status = xaa("", "status");
            assertThat(status.out()).contains("not signed in").doesNotContain("entry incomplete");

            try {
                keyring.getPassword("xaa4j", key);
                throw new AssertionError("the broken session's manifest should be gone");
            } catch (PasswordAccessException expected) {
                // removed with its remains
            }
        }
        login("alice"); // and signing in again just works
        ok(xaa("", "token", "notes"));
    }

    private static void ok(CommandRun r) {
        XaaProcess.ok(r);
    }

    private static void login(String user) throws Exception {
        Path browser = XaaProcess.browserScript(dir, user);
        CommandRun r = xaa().run("", Map.of("BROWSER", browser.toString()), "login");
        assertThat(r.exit()).as(r.out()).isZero();
    }

    private static CommandRun xaa(String stdin, String... args) throws Exception {
        return xaa().run(stdin, Map.of(), args);
    }

    /** xaa with its config and broker socket directory in {@code dir}. */
    private static XaaProcess xaa() {
        return XaaProcess.in(dir);
    }
}
