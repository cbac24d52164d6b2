package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xaa} puts its per-user files under {@code $HOME}, as git, ssh, kubectl and gh do, although a JVM's
 * {@code user.home} is the account's home: a process started with nothing but {@code HOME} (an MCP client that
 * scrubs the environment, a sandbox, the build's AppCDS training run) must not write into the account's home.
 * The real home staying untouched is checked around this class by RealHomeGuard.
 */
@Tag("slow")
@Timeout(120)
class UserDirectoriesProcessTest {

    @TempDir
    Path dir;

    @Test
    void aBridgeStartedWithOnlyHomeSetWritesItsActivityJournalUnderThatHome() throws Exception {
        // the build's training run: a bridge for `cds` against a closed port records renewal_failed
        Path config = Files.writeString(dir.resolve("config.json"),
                "{\"idp\":{\"issuer\":\"http://127.0.0.1:9\",\"clientId\":\"cds\"},\"servers\":{\"cds\":{\"url\":\"http://127.0.0.1:9/mcp\"}}}");
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        // no -Duser.home: this child's user.home is the account's home, as for any `xaa` a user starts
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "bridge", "cds",
                "--initialize-budget-ms=300").redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        for (String name : List.of("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME",
                "XDG_RUNTIME_DIR", "XAA_RUNTIME_DIR", "XAA_CACHE_DIR")) {
            env.remove(name);
        }
        env.put("HOME", home.toString());
        env.put("XAA_CONFIG", config.toString());

        Processes.Result r = Processes.run(pb, Files.readString(Path.of("src/main/launcher/cds-training.jsonl")),
                Duration.ofSeconds(60));

        assertThat(r.out()).as("the bridge answered the training input").contains("\"id\":3");
        Path journal = home.resolve(".local/state/xaa4j/activity.jsonl");
        assertThat(journal).as("the journal under $HOME; bridge output: %s", r.out()).exists();
        assertThat(Files.readString(journal)).contains("\"renewal_failed\"", "\"server\":\"cds\"");
    }
}
