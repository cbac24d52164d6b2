package dev.xaa4j.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts a main class of the test classpath in a separate JVM (for cross-process and environment tests). */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * The command line {@code java -Duser.home=<this JVM's> -cp <test classpath> mainClass args...}, optionally
     * behind a prefix. The child gets this JVM's {@code user.home} (surefire's throwaway test home) explicitly:
     * a JVM otherwise takes the account's home, whatever the environment says.
     */
    public static List<String> command(List<String> prefix, Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Duser.home=" + System.getProperty("user.home"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    public static ProcessBuilder builder(List<String> prefix, Map<String, String> env, Class<?> mainClass, String... args) {
        ProcessBuilder pb = new ProcessBuilder(command(prefix, mainClass, args));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        return pb;
    }

    /** Runs to completion (at most 60 s, else an AssertionError with its output) and returns exit code and combined output. */
    public static Result run(List<String> prefix, Map<String, String> env, Class<?> mainClass, String... args)
            throws IOException {
        Processes.Result r = Processes.run(builder(prefix, env, mainClass, args), "", Duration.ofSeconds(60));
        return new Result(r.exit(), r.out());
    }

    /** The per-user directory variables of this process (surefire's throwaway test home), for children started with a scrubbed environment. */
    public static Map<String, String> homeEnvironment() {
        Map<String, String> env = new java.util.TreeMap<>();
        for (String name : List.of("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME",
                "XAA_RUNTIME_DIR", "XAA_CACHE_DIR")) {
            String value = System.getenv(name);
            if (value != null && !value.isBlank()) {
                env.put(name, value);
            }
        }
        env.putIfAbsent("HOME", System.getProperty("user.home"));
        return env;
    }

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    public record Result(int exitCode, String output) {
    }
}
