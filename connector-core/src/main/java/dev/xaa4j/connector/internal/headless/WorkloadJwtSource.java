package dev.xaa4j.connector.internal.headless;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ConnectorException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Where a workload's platform JWT comes from (SEP-1933; docs/architecture.md "Choosing the flow"): a source
 * string {@code file:PATH} (the file's content, trimmed: a Kubernetes projected token, a CI OIDC token written to
 * disk) or {@code command:COMMAND ARGS…} (the command run without a shell, arguments split at whitespace, its
 * standard output trimmed; at most {@link #COMMAND_TIMEOUT}; at most 64 KiB of output, a command printing more is
 * killed; its standard error is discarded because it could echo the token). Read afresh by every
 * {@link Supplier#get()} — platform tokens rotate — and never cached, logged or put into an exception message. Errors
 * are {@link Kind#CONFIGURATION} with a sentence saying what to fix. Stateless and thread-safe.
 */
public final class WorkloadJwtSource {

    /** How long a {@code command:} source may run. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_BYTES = 64 * 1024;

    private WorkloadJwtSource() {
    }

    /**
     * The supplier for {@code source}, checked for shape now (not read).
     *
     * @throws ConnectorException {@link Kind#CONFIGURATION} when {@code source} is neither {@code file:PATH} nor
     *         {@code command:COMMAND…}
     */
    public static Supplier<String> of(String server, String source) {
        String s = source.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("file:") && s.length() > 5) {
            Path path = Path.of(s.substring(5));
            return () -> readFile(server, path);
        }
        if (lower.startsWith("command:") && !s.substring(8).isBlank()) {
            List<String> argv = List.of(s.substring(8).strip().split("\\s+"));
            return () -> run(server, argv);
        }
        throw new ConnectorException(Kind.CONFIGURATION, server, "The workload token source of '" + server
                + "' must be file:PATH or command:COMMAND ARGS…; set it again with `xaa server add " + server
                + " URL --auth workload --workload-token file:PATH`", null, null);
    }

    /** Whether {@code source} has the shape {@link #of} accepts. */
    public static boolean valid(String source) {
        try {
            of("-", source);
            return true;
        } catch (ConnectorException e) {
            return false;
        }
    }

    /** A description for people ({@code xaa doctor}): the kind and the path or command, never the token. */
    public static String describe(String source) {
        String s = source.strip();
        return s.toLowerCase(Locale.ROOT).startsWith("file:") ? "read from the file " + s.substring(5)
                : "printed by the command `" + s.substring(Math.min(8, s.length())).strip() + "`";
    }

    private static String readFile(String server, Path path) {
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw problem(server, "the workload token file " + path + " is larger than " + MAX_BYTES + " bytes");
            }
            return nonEmpty(server, Files.readString(path, StandardCharsets.UTF_8).strip(), "the file " + path);
        } catch (IOException e) {
            throw problem(server, "the workload token file " + path + " cannot be read (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    private static String run(String server, List<String> argv) {
        String what = "the command `" + argv.get(0) + "`";
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File(nullDevice()))).start();
        } catch (IOException e) {
            throw problem(server, what + " of its workload token source cannot be started (" + e.getClass().getSimpleName() + ")");
        }
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p));
        try {
            if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw problem(server, what + " of its workload token source did not finish within "
                        + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            byte[] bytes = out.get(5, TimeUnit.SECONDS);
            if (bytes.length > MAX_BYTES) { // stopped by readAll; its output is not shown: it could hold the token
                throw problem(server, what + " of its workload token source printed more than " + MAX_BYTES
                        + " bytes, which is no JWT; make it print the token only");
            }
            if (p.exitValue() != 0) {
                throw problem(server, what + " of its workload token source exited with status " + p.exitValue());
            }
            return nonEmpty(server, new String(bytes, StandardCharsets.UTF_8).strip(), what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(p);
            throw problem(server, "reading its workload token was interrupted");
        } catch (ExecutionException | TimeoutException e) {
            kill(p);
            throw problem(server, "the output of " + what + " of its workload token source could not be read");
        }
    }

    /**
     * The command's standard output, up to {@link #MAX_BYTES} + 1 bytes: at one byte more the command is killed
     * (it would otherwise block on the full pipe until the timeout) and the caller says the output is too large.
     */
    private static byte[] readAll(Process p) {
        try (InputStream in = p.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                kill(p);
            }
            return bytes;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static String nullDevice() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? "NUL" : "/dev/null";
    }

    private static String nonEmpty(String server, String value, String what) {
        if (value.isEmpty()) {
            throw problem(server, what + " gave an empty workload token");
        }
        return value;
    }

    private static ConnectorException problem(String server, String why) {
        return new ConnectorException(Kind.CONFIGURATION, server, "No workload token for '" + server + "': " + why
                + ". Fix the workload token source (xaa doctor " + server + " shows it).", null, null);
    }
}
