package dev.xaa4j.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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

    /** Every process started through {@link #start}, destroyed (with descendants) by {@link #reapAll}. */
    private static final java.util.Set<Process> STARTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Processes::reapAll, "test-process-reaper"));
    }

    private Processes() {
    }

    /**
     * Starts {@code pb} and remembers the process: whatever happens to the test (an assertion, a timeout that
     * abandons its thread), it is destroyed with its descendants after the test class ({@link ProcessReaper}) or,
     * at the latest, when the test JVM exits.
     */
    public static Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        STARTED.add(p);
        p.onExit().thenRun(() -> STARTED.remove(p));
        return p;
    }

    /** Destroys every process started through {@link #start} that still runs, and its descendants. */
    public static void reapAll() {
        for (Process p : List.copyOf(STARTED)) {
            destroyTree(p);
            STARTED.remove(p);
        }
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
        Process p = start(pb);
        try {
            CompletableFuture<String> out = drain(p.getInputStream(), "stdout");
            CompletableFuture<String> err = pb.redirectErrorStream()
                    ? CompletableFuture.completedFuture("") : drain(p.getErrorStream(), "stderr");
            feed(p.getOutputStream(), stdin);
            awaitExit(p, timeout, String.join(" ", pb.command()), () -> partial(out) + partial(err));
            return new Result(p.exitValue(), join(out), join(err));
        } finally {
            destroyTree(p);
        }
    }

    /**
     * Waits at most {@code timeout} for {@code p} to exit; else destroys it with its descendants and throws an
     * AssertionError naming {@code what} and carrying {@code output} (read at that moment).
     */
    public static void awaitExit(Process p, Duration timeout, String what, java.util.function.Supplier<String> output) {
        try {
            await().alias(what + " exits").atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> !p.isAlive());
        } catch (ConditionTimeoutException e) {
            destroyTree(p);
            throw new AssertionError("did not exit within " + timeout + ": " + what + "\n" + output.get(), e);
        }
    }

    /** What a drained stream has produced so far, for failure messages (waits at most 2 s for the rest). */
    public static String partial(CompletableFuture<String> f) {
        try {
            return f.isDone() ? f.get() : f.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "(output not available: " + e + ")";
        }
    }

    /** Reads {@code in} to the end on a daemon thread (UTF-8). */
    public static CompletableFuture<String> drain(InputStream in, String name) {
        CompletableFuture<String> f = new CompletableFuture<>();
        daemon("test-process-" + name, () -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Writes {@code text} to a child's stdin and closes it, on a daemon thread (a child that reads late never blocks us). */
    public static void feed(OutputStream stdin, String text) {
        daemon("test-process-stdin", () -> {
            try (stdin) {
                stdin.write(text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the child exited without reading: its exit code and output tell why
            }
        });
    }

    /** Runs {@code body} on a new daemon thread named {@code name} (it never keeps the test JVM alive). */
    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
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

    /** Ends {@code p} politely (SIGTERM) and waits for it; forcibly if it lingers; its descendants forcibly either way. */
    public static void stop(Process p) {
        if (p == null) {
            return;
        }
        List<ProcessHandle> descendants = p.descendants().toList(); // before p exits and they are reparented
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            descendants.forEach(ProcessHandle::destroyForcibly);
        }
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
}
