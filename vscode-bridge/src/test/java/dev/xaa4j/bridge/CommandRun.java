package dev.xaa4j.bridge;

import dev.xaa4j.connector.testing.Processes;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a command to completion with {@code stdin} and extra environment; stdout and stderr merged. Output is
 * drained while the command runs, the exit is awaited for at most 90 s (then an AssertionError carrying the
 * output), and the command's descendants are destroyed on the way out ({@link Processes#run}).
 */
record CommandRun(int exit, String out) {

    static CommandRun run(List<String> cmd, String stdin, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Processes.Result r = Processes.run(pb, stdin, Duration.ofSeconds(90));
        return new CommandRun(r.exit(), r.out());
    }
}
