package dev.xaa4j.demo;

import dev.xaa4j.bridge.session.MemorySecrets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The demo's session owner on a machine without an OS keyring: {@code xaa agent --memory} as a child process,
 * the session only in its memory for this run. The client secrets reach it through its environment
 * ({@code XAA_IDP_CLIENT_SECRET}, {@code XAA_AS_CLIENT_SECRET_<SERVER>}), never argv or a file; its
 * {@code BROWSER} is the demo aid, so the sign-in it performs is followed through by {@link RedirectFollower}.
 * Ready when it prints its "serving on" line on stdout; its log goes to {@code agent.log} in the demo's
 * directory. Not thread-safe: the demo's main thread starts and stops it.
 */
final class MemoryAgent implements AutoCloseable {

    private static final long READY_SECONDS = 60;

    private final Process process;
    private final String readyLine;

    private MemoryAgent(Process process, String readyLine) {
        this.process = process;
        this.readyLine = readyLine;
    }

    /**
     * Starts {@code xaa agent --memory} and waits (at most {@value #READY_SECONDS} s) until it serves.
     *
     * @param idpSecret the IdP client's secret
     * @param asSecrets per configured server name, its authorization server client's secret
     * @param browser   the {@code BROWSER} the agent runs for a sign-in (the demo's redirect follower script)
     * @throws IOException when it exits or stays silent instead; the message holds its log
     */
    static MemoryAgent start(XaaCommandLine xaa, Path dir, String idpSecret, Map<String, String> asSecrets, Path browser)
            throws IOException, InterruptedException {
        Path log = dir.resolve("agent.log");
        ProcessBuilder pb = new ProcessBuilder(xaa.command("agent", "--memory"))
                .redirectError(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(xaa.environment());
        pb.environment().putAll(secretEnvironment(idpSecret, asSecrets));
        pb.environment().put("BROWSER", browser.toString());
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.contains("serving on")) {
                        XaaCommandLine.PIPES.execute(() -> drain(out)); // later lines: not needed, never blocking it
                        return line;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        }, XaaCommandLine.PIPES);
        String line;
        try {
            line = ready.get(READY_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            line = null;
        }
        if (line == null) {
            p.destroyForcibly();
            throw new IOException("`xaa agent --memory` did not start serving within " + READY_SECONDS + " s; its log:\n"
                    + (Files.exists(log) ? Files.readString(log) : "(none)"));
        }
        return new MemoryAgent(p, line);
    }

    /**
     * The environment that hands the client secrets to the agent: {@code XAA_IDP_CLIENT_SECRET} and, per
     * server, {@code XAA_AS_CLIENT_SECRET_<SERVER>} ({@link MemorySecrets#asEnvName}).
     */
    static Map<String, String> secretEnvironment(String idpSecret, Map<String, String> asSecrets) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(MemorySecrets.IDP_ENV, idpSecret);
        asSecrets.forEach((server, secret) -> env.put(MemorySecrets.asEnvName(server), secret));
        return env;
    }

    /** Its "xaa agent: serving on …" line. */
    String readyLine() {
        return readyLine;
    }

    /** The variable names {@link #secretEnvironment} sets, for the demo to show (never the values). */
    static List<String> secretNames(Map<String, String> asSecrets) {
        return List.copyOf(secretEnvironment("", asSecrets).keySet());
    }

    /** SIGTERM (the agent forgets the session and removes its socket), then a kill after 10 s. */
    @Override
    public void close() {
        XaaCommandLine.terminate(process);
    }

    private static void drain(BufferedReader out) {
        try (out) {
            while (out.readLine() != null) {
                // the agent's later stdout lines are not part of the demo
            }
        } catch (IOException ignored) {
            // the agent is gone
        }
    }
}
