package dev.xaa4j.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This build's packages (the system properties the module's pom passes) and how the tests use them: unpacked
 * with the system's {@code tar} or {@code dpkg-deb} into a temporary root, their commands run with an
 * environment that holds only what a test names (no {@code PATH}, no {@code JAVA_HOME}).
 *
 * @param app the unpacked {@code xaa4j-VERSION} directory (real path)
 */
record Distribution(Path app) {

    static final Duration RUN = Duration.ofSeconds(90);

    static String version() {
        return System.getProperty("xaa4j.version");
    }

    static Path target() {
        return Path.of(System.getProperty("xaa4j.dist.dir"));
    }

    static Path tarball() {
        return target().resolve(System.getProperty("xaa4j.dist.name") + "-linux-" + System.getProperty("xaa4j.dist.arch") + ".tar.gz");
    }

    static Path deb() {
        return target().resolve("xaa4j_" + version() + "_" + System.getProperty("xaa4j.dist.arch") + ".deb");
    }

    /** The build's own launcher, {@code vscode-bridge/target/xaa}. */
    static Path buildLauncher() {
        return Path.of(System.getProperty("xaa4j.bridge.target")).resolve("xaa").normalize();
    }

    /** Unpacks the .tar.gz into {@code root} as a user would ({@code tar -xzf}). */
    static Distribution unpack(Path root) throws Exception {
        Files.createDirectories(root);
        Processes.Result r = Processes.run(new ProcessBuilder("tar", "-xzf", tarball().toString(), "-C", root.toString()), "", RUN);
        assertThat(r.exit()).as(r.err()).isZero();
        return new Distribution(root.resolve(System.getProperty("xaa4j.dist.name")).toRealPath());
    }

    Path bin(String name) {
        return app.resolve("bin").resolve(name);
    }

    Path lib(String name) {
        return app.resolve("lib").resolve(name);
    }

    /** A home under {@code root} and nothing else: the environment of the runs below, before their additions. */
    static Map<String, String> emptyEnvironment(Path home) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        env.put("XDG_STATE_HOME", home.resolve(".local/state").toString());
        env.put("XDG_DATA_HOME", home.resolve(".local/share").toString());
        env.put("XAA_RUNTIME_DIR", home.resolve("run").toString());
        return env;
    }

    /** Runs {@code command} with exactly {@code env} (stdout and stderr apart), at most {@link #RUN}. */
    static Processes.Result run(Map<String, String> env, String stdin, Object... command) throws Exception {
        List<String> cmd = new ArrayList<>();
        for (Object c : command) {
            cmd.add(c.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().putAll(env);
        return Processes.run(pb, stdin, RUN);
    }

    /** A config with an IdP and the server {@code notes} (nothing is contacted by the commands that read it). */
    static Path writeConfig(Path home) throws Exception {
        Path config = home.resolve(".config/xaa4j/config.json");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "{\"idp\":{\"issuer\":\"https://idp.example.com\",\"clientId\":\"xaa\"},"
                + "\"servers\":{\"notes\":{\"url\":\"https://mcp.example.com/notes/mcp\"}}}");
        return config;
    }
}
