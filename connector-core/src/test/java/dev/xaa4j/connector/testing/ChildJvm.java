package dev.xaa4j.connector.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts a main class of the test classpath in a separate JVM (for cross-process and environment tests). */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** The command line {@code java -cp <test classpath> mainClass args...}, optionally behind a prefix. */
    public static List<String> command(List<String> prefix, Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
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

    /** Runs to completion (bounded) and returns exit code and combined output. */
    public static Result run(List<String> prefix, Map<String, String> env, Class<?> mainClass, String... args)
            throws IOException, InterruptedException {
        Process p = builder(prefix, env, mainClass, args).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("child JVM did not finish: " + new String(out, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
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
