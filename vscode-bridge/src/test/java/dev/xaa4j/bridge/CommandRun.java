package dev.xaa4j.bridge;

import dev.xaa4j.testing.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a command to completion with {@code stdin} and extra environment; stdout and stderr merged. Output is
 * drained while the command runs, the exit is awaited for at most 90 s (then an AssertionError carrying the
 * output), and the command's descendants are destroyed on the way out ({@link Processes#run}).
 */
record CommandRun(int exit, String out) {

    static CommandRun run(List<String> cmd, String stdin, Map<String, String> env) throws Exception {
        return run(cmd, stdin, env, false);
    }

    /** As {@link #run}, with exactly {@code env}: nothing inherited from the test JVM. */
    static CommandRun runWithExactly(List<String> cmd, String stdin, Map<String, String> env) throws Exception {
        return run(cmd, stdin, env, true);
    }

    private static CommandRun run(List<String> cmd, String stdin, Map<String, String> env, boolean exactly) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (exactly) {
            pb.environment().clear();
        }
        pb.environment().putAll(env);
        Processes.Result r = Processes.run(pb, stdin, Duration.ofSeconds(90));
        return new CommandRun(r.exit(), r.out());
    }

    /** {@code xaa ARGS} as a JVM over the test classpath, with the test JVM's {@code user.home}. */
    static List<String> xaaCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Duser.home=" + System.getProperty("user.home"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * The test JVM's environment without a Secret Service (no D-Bus session bus) and without xaa's secret
     * variables, with the config and the broker's socket directory under {@code dir}.
     */
    static Map<String, String> withoutSecretService(Path dir) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("DBUS_SESSION_BUS_ADDRESS");
        env.keySet().removeIf(k -> k.startsWith("XAA_IDP_") || k.startsWith("XAA_SERVER_") || k.startsWith("XAA_AS_"));
        env.put("XAA_CONFIG", dir.resolve("config.json").toString());
        env.put("XAA_RUNTIME_DIR", dir.resolve("run").toString());
        return env;
    }
}
