package dev.xaa4j.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code xaa} command as a child process, the way a person or an AI client does, with the
 * demo's throwaway configuration ({@code XAA_CONFIG}), state directory ({@code XDG_STATE_HOME}), cache
 * ({@code XAA_CACHE_DIR}) and broker socket directory ({@code XAA_RUNTIME_DIR}); the OS keyring is the one of
 * the current session.
 */
final class XaaCommandLine {

    /** What one {@code xaa} run printed. */
    record Run(int exit, String out, String err) {
    }

    /** Pipe readers: own threads, not the common pool (one thread on a 2-core machine; two pipes would deadlock). */
    static final Executor PIPES = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "demo-pipe");
        t.setDaemon(true);
        return t;
    });

    private final List<String> command;
    private final Map<String, String> env;

    /**
     * @param command the {@code xaa} launcher, or {@code java … dev.xaa4j.bridge.Main}
     * @param workDir the demo's temporary directory (config and state go there)
     */
    XaaCommandLine(List<String> command, Path workDir) {
        this.command = List.copyOf(command);
        Map<String, String> e = new LinkedHashMap<>();
        e.put("XAA_CONFIG", workDir.resolve("config.json").toString());
        e.put("XDG_STATE_HOME", workDir.resolve("state").toString());
        // and no other per-user directory of yours: the bridges' initialize cache, and the broker socket directory
        // (the demo's bridges must never reach an `xaa agent` or tray app you run)
        e.put("XAA_CACHE_DIR", workDir.resolve("cache").toString());
        e.put("XAA_RUNTIME_DIR", workDir.resolve("run").toString());
        // and none of its bridges starts an agent on demand: it would outlive the demo and its directory
        e.put("XAA_AGENT", "off");
        // The bridge's client may launch it with a trimmed environment: keep what xaa needs.
        for (String name : List.of("DBUS_SESSION_BUS_ADDRESS", "JAVA_HOME", "XAA_JAVA_OPTS", "HOME", "PATH")) {
            String v = System.getenv(name);
            if (v != null) {
                e.put(name, v);
            }
        }
        this.env = Map.copyOf(e);
    }

    /** The command line for {@code xaa ARGS…}. */
    List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of(args));
        return cmd;
    }

    Map<String, String> environment() {
        return env;
    }

    /** Runs {@code xaa ARGS…} with {@code stdin} on its standard input (secrets go this way, never argv). */
    Run run(String stdin, Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command(args));
        pb.environment().putAll(env);
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("`xaa " + String.join(" ", args) + "` did not finish within 180 s");
        }
        return new Run(p.exitValue(), out.join(), err.join());
    }

    /**
     * Writes an executable {@code BROWSER} script that runs the demo's {@link RedirectFollower} on the URL it is
     * given; the same script serves {@code xaa login} and a long-running {@code xaa agent --memory}.
     */
    static Path browserScript(Path dir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path script = dir.resolve("demo-browser.sh");
        Files.writeString(script, "#!/bin/sh\n# DEMO AID: stands in for the browser (see RedirectFollower).\n"
                + "exec " + quote(java) + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "
                + quote(absoluteClassPath()) + " " + RedirectFollower.class.getName() + " \"$@\"\n");
        script.toFile().setExecutable(true, true);
        return script;
    }

    /** This JVM's class path with absolute entries, for children that may run elsewhere. */
    static String absoluteClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, PIPES);
    }

    /** SIGTERM, then a kill when the process has not ended within 10 s. */
    static void terminate(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
