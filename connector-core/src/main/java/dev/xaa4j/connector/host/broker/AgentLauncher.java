package dev.xaa4j.connector.host.broker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the session owner on demand, the way gpg-agent is started (docs/architecture.md "One session owner per
 * machine"): {@link #connect()} connects to the broker on the socket, and when none runs, starts {@code command} in
 * the background and connects to it. Many processes calling at once end with one agent: the one holding the spawn
 * lock file ({@value #SPAWN_LOCK_NAME}, next to the socket) starts it, the others wait for the socket; the agent's
 * own broker lock ({@link BrokerAlreadyRunningException}) settles any other race (the tray app starting).
 *
 * <p>The agent gets no stdin (a pipe closed at once), and its stdout and stderr go to {@code logFile} (appended;
 * moved to {@code logFile.1} once larger than {@value #LOG_LIMIT_BYTES} bytes), never to this process's own: a
 * bridge's stdout is its JSON-RPC channel. The log is created {@code rw-------} (POSIX), and a symbolic link at its
 * name is refused (a failed start). Where {@code setsid} exists it runs in a session of its own, so it
 * outlives the starter and its terminal; elsewhere it ignores SIGINT and SIGHUP (nohup-style). Environment
 * variables {@code dropVariable} names (client secrets) are not
 * passed on.
 *
 * <p>Thread-safe; a start is bounded by {@code wait} from the call of {@link #connect()} (polling the socket every
 * 50 ms, each connection attempt cut to the time left). One failed start (the agent exited, did not answer in time,
 * the socket directory could not be made) is recorded once and not tried again by this launcher, by any caller:
 * {@link #connect()} then only connects, so an agent that answers later is still found.
 */
public final class AgentLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(AgentLauncher.class);
    /** How long a command waits for the agent it (or another command) started: {@value} s by default. */
    public static final Duration START_WAIT = Duration.ofSeconds(10);
    static final String SPAWN_LOCK_NAME = "agent-spawn.lock";
    static final long LOG_LIMIT_BYTES = 1 << 20;
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path socket;
    private final List<String> command;
    private final Path logFile;
    private final Duration wait;
    private final Predicate<String> dropVariable;
    private volatile String failure; // why the start failed; null: not failed

    /**
     * @param socket       the broker's socket ({@link BrokerSocket#defaultPath()})
     * @param command      the agent's command line (no secrets: it is visible to every local user)
     * @param logFile      where the agent's output goes
     * @param wait         how long {@link #connect()} waits for a starting agent
     * @param dropVariable environment variables not to pass to the agent
     */
    public AgentLauncher(Path socket, List<String> command, Path logFile, Duration wait, Predicate<String> dropVariable) {
        this.socket = socket.toAbsolutePath();
        this.command = List.copyOf(command);
        this.logFile = logFile.toAbsolutePath();
        this.wait = Objects.requireNonNull(wait);
        this.dropVariable = Objects.requireNonNull(dropVariable);
    }

    /** Why the start failed, with the log file to read (empty: it did not fail, or was not needed). */
    public java.util.Optional<String> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    /**
     * The running broker's connection; when none runs, starts the agent (or waits for the one another process is
     * starting) and connects to it.
     *
     * @throws BrokerNotRunningException no broker answers and none could be started ({@link #failure()} says why),
     *                                   or a start failed before
     * @throws BrokerException           as {@link BrokerClient#connect(Path, Duration)}
     */
    public BrokerClient connect() {
        try {
            return BrokerClient.connect(socket, BrokerClient.DEFAULT_CONNECT_TIMEOUT);
        } catch (BrokerNotRunningException none) {
            if (failure != null) {
                throw none;
            }
        }
        return start(System.nanoTime() + wait.toNanos()); // the deadline counts the wait for another caller too
    }

    private synchronized BrokerClient start(long deadline) {
        if (failure != null) { // another caller's start failed meanwhile
            throw new BrokerNotRunningException(failure);
        }
        try {
            return startOrWait(deadline);
        } catch (BrokerNotRunningException e) {
            throw e; // failed(...) recorded it already; or interrupted
        } catch (RuntimeException e) { // an unsafe socket directory, say: one failure like any other
            throw failed(e.getMessage());
        }
    }

    private BrokerClient startOrWait(long deadline) {
        BrokerSocket.prepareDirectory(socket);
        Path lockFile = socket.resolveSibling(SPAWN_LOCK_NAME);
        Process agent = null;
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = null;
            while (true) {
                try {
                    return BrokerClient.connect(socket, connectWait(deadline));
                } catch (BrokerException notYet) {
                    // starting (no socket yet), or accepted and not answering yet: look again until the deadline
                }
                if (lock == null && (lock = tryLock(channel)) != null) {
                    continue; // connect once more: the previous holder may have just finished starting it
                }
                if (lock != null && agent == null) {
                    agent = spawn();
                } else if (agent != null && !agent.isAlive() && agent.exitValue() != 0) {
                    throw failed("it exited with code " + agent.exitValue());
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw failed(agent == null ? "another process was starting it and it did not answer within "
                            + wait.toSeconds() + " s" : "it did not answer within " + wait.toSeconds() + " s");
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (IOException e) {
            throw failed("cannot start it (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerNotRunningException("interrupted while waiting for the xaa agent to start");
        }
    }

    /**
     * Takes the socket over from an agent started on demand, for a session owner a person started (the tray app):
     * holding the spawn lock (so no command starts another agent meanwhile), asks the running broker to stand down
     * ({@link BrokerClient#standDown()}), waits for its socket to go and runs {@code serve} until it returns true.
     * Bounded by {@code wait} (the stand-down request included), polling every 50 ms; never throws.
     *
     * @param serve starts serving the socket; true when it serves
     * @return whether {@code serve} succeeded: false when the broker is not one started on demand, or time ran out
     */
    public static boolean takeOver(Path socket, Duration wait, java.util.function.BooleanSupplier serve) {
        long deadline = System.nanoTime() + wait.toNanos();
        BrokerSocket.prepareDirectory(socket);
        try (FileChannel channel = FileChannel.open(socket.resolveSibling(SPAWN_LOCK_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock;
            while ((lock = tryLock(channel)) == null) {
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                Thread.sleep(POLL.toMillis());
            }
            try (FileLock held = lock) {
                while (true) {
                    Duration remaining = Duration.ofNanos(deadline - System.nanoTime());
                    if (remaining.isNegative() || remaining.isZero()) {
                        return false;
                    }
                    try (BrokerClient running = BrokerClient.connect(socket, connectWait(deadline), remaining)) {
                        if (!running.standDown()) {
                            return false;
                        }
                        LOG.info("the xaa agent started on demand (pid {}) hands {} over", running.brokerPid(), socket);
                        break;
                    } catch (BrokerNotRunningException gone) {
                        break; // nobody serves it any more: serve it
                    } catch (BrokerException noAnswer) {
                        // A broker that refuses the connection while it closes or restarts ("busy") may be gone in a
                        // moment: ask again until the wait is over.
                        if (System.nanoTime() - deadline >= 0) {
                            LOG.warn("cannot take {} over: the broker there did not answer ({})", socket, noAnswer.getMessage());
                            return false;
                        }
                        Thread.sleep(POLL.toMillis());
                    }
                }
                while (true) {
                    if (!Files.exists(socket) && serve.getAsBoolean()) {
                        return true;
                    }
                    if (System.nanoTime() - deadline >= 0) {
                        return false;
                    }
                    Thread.sleep(POLL.toMillis());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot take {} over: {}", socket, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** At most {@link BrokerClient#DEFAULT_CONNECT_TIMEOUT}, and never past {@code deadline} (at least 1 ms). */
    private static Duration connectWait(long deadline) {
        Duration remaining = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000));
        return remaining.compareTo(BrokerClient.DEFAULT_CONNECT_TIMEOUT) < 0 ? remaining : BrokerClient.DEFAULT_CONNECT_TIMEOUT;
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            return null;
        }
    }

    private Process spawn() throws IOException {
        prepareLog();
        Files.writeString(logFile, "--- " + Instant.now() + ": started on demand by pid " + ProcessHandle.current().pid()
                + "\n", StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
        ProcessBuilder pb = new ProcessBuilder(sessionOfItsOwn(command, List.of("/usr/bin", "/bin"))).directory(logFile.getParent().toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).redirectErrorStream(true);
        pb.environment().keySet().removeIf(dropVariable);
        Process p = pb.start();
        p.getOutputStream().close(); // no stdin: end of file at once
        LOG.info("started the xaa agent on demand (pid {}); its log: {}", p.pid(), logFile);
        return p;
    }

    /**
     * The log holds the signed-in user's name and the servers' URLs: a regular file, {@code rw-------} where the file
     * system is POSIX (like the activity journal), never a symbolic link (which would send it elsewhere).
     */
    private void prepareLog() throws IOException {
        Files.createDirectories(logFile.getParent());
        if (Files.isSymbolicLink(logFile)) {
            throw new IOException(logFile + " is a symbolic link; remove it (the agent writes its log only to a regular file)");
        }
        boolean posix = logFile.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (Files.exists(logFile, LinkOption.NOFOLLOW_LINKS) && Files.size(logFile) > LOG_LIMIT_BYTES) {
            Path old = logFile.resolveSibling(logFile.getFileName() + ".1");
            Files.move(logFile, old, StandardCopyOption.REPLACE_EXISTING); // replaces a link at .1, never follows it
            if (posix) {
                Files.setPosixFilePermissions(old, OWNER_ONLY);
            }
        }
        if (Files.exists(logFile, LinkOption.NOFOLLOW_LINKS)) {
            if (posix) {
                Files.setPosixFilePermissions(logFile, OWNER_ONLY);
            }
        } else {
            try {
                if (posix) {
                    Files.createFile(logFile, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } else {
                    Files.createFile(logFile);
                }
            } catch (FileAlreadyExistsException raced) {
                prepareLog(); // another starter created it meanwhile: check it again
            }
        }
    }

    /**
     * {@code setsid COMMAND} where setsid exists (Linux), so the agent is no part of the starter's session; elsewhere
     * (macOS) {@code COMMAND} under {@code /bin/sh} with SIGINT and SIGHUP ignored (as {@code nohup} does; the JVM
     * keeps an ignored shutdown signal ignored), so Ctrl-C on the starter or closing its terminal does not end it.
     */
    static List<String> sessionOfItsOwn(List<String> command, List<String> setsidDirs) {
        for (String dir : setsidDirs) {
            Path setsid = Path.of(dir, "setsid");
            if (Files.isExecutable(setsid)) {
                return java.util.stream.Stream.concat(java.util.stream.Stream.of(setsid.toString()), command.stream()).toList();
            }
        }
        if (Files.isExecutable(Path.of("/bin/sh"))) {
            return java.util.stream.Stream.concat(java.util.stream.Stream.of("/bin/sh", "-c",
                    "trap '' INT HUP; exec \"$0\" \"$@\""), command.stream()).toList();
        }
        return command;
    }

    private BrokerNotRunningException failed(String why) {
        failure = "could not start the xaa agent: " + why + " (its log: " + logFile + ")";
        return new BrokerNotRunningException(failure);
    }
}
