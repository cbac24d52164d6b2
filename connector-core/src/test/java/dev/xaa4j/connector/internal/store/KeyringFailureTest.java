package dev.xaa4j.connector.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.testing.KeyringProbe;
import dev.xaa4j.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Missing and locked keyrings, for real, in child JVMs: the error names the remedy and nothing is stored. */
@Tag("slow")
class KeyringFailureTest {

    @Test
    void noDbusSessionMeansNoBackendAndTheMessageSaysWhatToInstall() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of(),
                Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/xaa4j-no-bus"), KeyringProbe.class);

        assertThat(r.exitCode()).as(r.output()).isEqualTo(3);
        assertThat(r.output()).contains("keyring failure: " + KeyringCredentialStore.NO_BACKEND)
                .as("typed: retrying never clears it").contains("kind: KEYRING_UNAVAILABLE");
    }

    @Test
    void connectingAheadWithoutADbusSessionThrowsNothingAndTheWriteStillSaysWhatToInstall() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of(),
                Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/xaa4j-no-bus"), KeyringProbe.class,
                "connect-first");

        assertThat(r.exitCode()).as(r.output()).isEqualTo(3);
        assertThat(r.output()).contains("keyring failure: " + KeyringCredentialStore.NO_BACKEND);
    }

    @Test
    void aDbusSessionWithoutAnUnlockedKeyringIsReportedAsLocked(@TempDir Path home) throws Exception {
        assertThat(ChildJvm.onPath("dbus-run-session")).as("dbus-run-session (package dbus) must be installed").isTrue();
        Path data = Files.createDirectories(home.resolve(".local/share"));
        ChildJvm.Result r = ChildJvm.run(List.of("dbus-run-session", "--"),
                Map.of("HOME", home.toString(), "XDG_DATA_HOME", data.toString(),
                        "XDG_CONFIG_HOME", home.resolve(".config").toString(), "DISPLAY", ""),
                KeyringProbe.class);

        assertThat(r.exitCode()).as(r.output()).isEqualTo(3);
        assertThat(r.output()).contains("keyring failure: " + KeyringCredentialStore.LOCKED);
        assertThat(r.output()).doesNotContain("NullPointerException")
                .as("a locked keyring can clear: not typed as unavailable").contains("kind: CREDENTIAL_STORE");
    }
}
