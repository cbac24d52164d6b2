package dev.xaa4j.connector.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Child processes in tests, robust by construction: stdin written and closed on its own thread, stdout and
 * stderr drained concurrently from the start (a child never blocks on a full pipe), the exit awaited with a
 * deadline, a failure message that carries what the child said, and the process destroyed with its
 * descendants on every way out.
 */
public final class Processes {

    private Processes() {
    }

    /** A finished process: exit code, stdout, stderr (empty when stderr was merged into stdout). */
    public record Result(int exit, String out, String err) {
        /** stdout and stderr, for assertion messages. */
        public String output() {
            return err.isEmpty() ? out : out + "\n[stderr]\n" + err;
        }
    }

    /**
     * Starts {@code pb}, writes {@code stdin} (then closes it), and waits at most {@code timeout} for the exit.
     * Throws an {@link AssertionError} naming the command and carrying its output if it does not exit in time
     * (the process and its descendants are destroyed first).
     */
    public static Result run(ProcessBuilder pb, String stdin, Duration timeout) throws IOException {
        Process p = pb.start();
        try {
            CompletableFuture<String> out = drain(p.getInputStream(), "stdout");
            CompletableFuture<String> err = pb.redirectErrorStream()
                    ? CompletableFuture.completedFuture("") : drain(p.getErrorStream(), "stderr");
            feed(p.getOutputStream(), stdin);
            try {
                await().alias(String.join(" ", pb.command()) + " exits").atMost(timeout)
                        .pollInterval(Duration.ofMillis(50)).until(() -> !p.isAlive());
            } catch (ConditionTimeoutException e) {
                destroyTree(p);
                throw new AssertionError("did not exit within " + timeout + ": " + String.join(" ", pb.command())
                        + "\n" + partial(out) + partial(err), e);
            }
            return new Result(p.exitValue(), join(out), join(err));
        } finally {
            destroyTree(p);
        }
    }

    /** Reads {@code in} to the end on a daemon thread (UTF-8). */
    public static CompletableFuture<String> drain(InputStream in, String name) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        }, "test-process-" + name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** Writes {@code text} to a child's stdin and closes it, on a daemon thread (a child that reads late never blocks us). */
    public static void feed(OutputStream stdin, String text) {
        Thread t = new Thread(() -> {
            try (stdin) {
                stdin.write(text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the child exited without reading: its exit code and output tell why
            }
        }, "test-process-stdin");
        t.setDaemon(true);
        t.start();
    }

    /** Destroys {@code p} and every descendant, forcibly, and waits briefly for {@code p} to be gone. */
    public static void destroyTree(Process p) {
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends {@code p} politely (SIGTERM) and waits for it; forcibly, with its descendants, if it lingers. */
    public static void stop(Process p) {
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (p.waitFor(10, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        destroyTree(p);
    }

    private static String join(CompletableFuture<String> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new UncheckedIOException(new IOException("reading the child's output failed", e.getCause()));
        } catch (TimeoutException e) {
            // a grandchild still holds the pipe open after the child exited
            throw new AssertionError("the child exited but its output did not end within 10 s (a descendant holds the pipe)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String partial(CompletableFuture<String> f) {
        try {
            return f.isDone() ? f.get() : f.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "(output not available: " + e + ")";
        }
    }
}
