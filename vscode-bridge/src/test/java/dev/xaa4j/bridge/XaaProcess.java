package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code xaa} as its users do: a separate process of this build's classes, with its own config file and
 * broker socket directory under a test's temporary directory (never the real home).
 *
 * @param config     the config file ({@code XAA_CONFIG}); it need not exist
 * @param runtimeDir the broker socket directory ({@code XAA_RUNTIME_DIR}), so no other test's agent answers
 */
record XaaProcess(Path config, Path runtimeDir) {

    static XaaProcess in(Path dir) {
        return new XaaProcess(dir.resolve("config.json"), dir.resolve("run"));
    }

    CommandRun run(String... args) throws Exception {
        return run("", Map.of(), args);
    }

    CommandRun run(String stdin, Map<String, String> extraEnv, String... args) throws Exception {
        Map<String, String> env = env();
        env.putAll(extraEnv);
        return CommandRun.run(command(args), stdin, env);
    }

    /** {@code xaa login} with a scripted browser that signs {@code user} in at the sample issuer's form. */
    CommandRun login(String user) throws Exception {
        Path browser = browserScript(config.getParent(), user);
        return run("", Map.of("BROWSER", browser.toString()), "login", "--timeout", "60");
    }

    /**
     * Writes {@code dir/browser-USER.sh}, a {@code BROWSER} for {@code xaa login} that signs {@code user} in at the
     * sample issuer's form (this build's {@code TestBrowser}), and returns its path.
     */
    static Path browserScript(Path dir, String user) throws Exception {
        Path browser = dir.resolve("browser-" + user + ".sh");
        Files.createDirectories(dir);
        Files.writeString(browser, "#!/bin/sh\nexec '" + java() + "' -cp '" + System.getProperty("java.class.path") + "' "
                + dev.xaa4j.connector.testing.TestBrowser.class.getName() + " --user " + user + " \"$@\" >/dev/null 2>&1\n");
        Files.setPosixFilePermissions(browser, PosixFilePermissions.fromString("rwx------"));
        return browser;
    }

    List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("XAA_IDP_") || k.startsWith("XAA_SERVER_"));
        env.put("XAA_CONFIG", config.toString());
        env.put("XAA_RUNTIME_DIR", runtimeDir.toString());
        return env;
    }

    static void ok(CommandRun r) {
        assertThat(r.exit()).as(r.out()).isZero();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
