package dev.xaa4j.connector.host.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a platform tool that reads a policy store ({@code reg query}, {@code plutil -convert json}): the seam through
 * which tests on any OS feed captured outputs. No secret passes through it (policies hold none). Implementations
 * must be thread-safe ({@link #system()} is: one process per call); readers call it from any thread.
 */
@FunctionalInterface
public interface PlatformTool {

    /** How long a tool may take before its policy counts as unreadable. */
    Duration TIMEOUT = Duration.ofSeconds(10);

    /** What a tool printed and its exit code. */
    record Output(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs {@code argv} (no shell) and waits for it, at most {@link #TIMEOUT}.
     *
     * @return the output; empty when the tool is not installed (cannot be started)
     * @throws UncheckedIOException the tool did not finish within {@link #TIMEOUT} (it is then killed)
     */
    Optional<Output> run(List<String> argv);

    /** The real tools of this machine, their output decoded in the platform's native encoding. */
    static PlatformTool system() {
        return argv -> {
            Process p;
            try {
                p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            } catch (IOException e) {
                return Optional.empty();
            }
            Charset cs = nativeCharset();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream(), cs));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream(), cs));
            try {
                p.getOutputStream().close();
                if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new UncheckedIOException(new IOException(argv.get(0) + " did not finish within "
                            + TIMEOUT.toSeconds() + " s"));
                }
                return Optional.of(new Output(p.exitValue(), out.join(), err.join()));
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new IOException("interrupted while running " + argv.get(0)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static Charset nativeCharset() {
        try {
            return Charset.forName(System.getProperty("native.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static String drain(InputStream in, Charset cs) {
        try (in) {
            return new String(in.readAllBytes(), cs);
        } catch (IOException e) {
            return "";
        }
    }
}
