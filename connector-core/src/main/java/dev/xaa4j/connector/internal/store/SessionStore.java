package dev.xaa4j.connector.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.connector.ConnectorException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists the {@link IdpSession} of one (IdP issuer, client id) in a {@link CredentialStore} as one JSON
 * value, and serializes IdP refreshes across threads and processes (docs/protocol.md §4: a rotated refresh token
 * must be persisted before the old one is dropped, and two processes must not redeem the same one).
 *
 * <p>The session is the only thing persisted; per-server access tokens stay in memory. {@link #load} always
 * re-reads the store, so a process that waited for {@link #withLock} sees what the previous holder wrote.
 *
 * <h2>Concurrency contract</h2>
 * Thread-safe; {@code lockDir} is created with mode 0700 when absent.
 * <ul>
 *   <li><b>Single flight, per machine, keyed by (issuer, client id).</b> {@link #withLock} holds a JVM-wide
 *       {@link ReentrantLock} per lock file and, while the outermost holder runs, an exclusive
 *       {@link FileChannel#lock()} on {@code <lockDir>/idp-session-<hash>.lock}, so one thread of one process at
 *       a time runs an IdP refresh, a sign-in's store or a sign-out's delete for that session. Re-entrant
 *       within one thread (the file lock is taken once). The action runs on the calling thread.</li>
 *   <li><b>What blocks.</b> {@link #withLock} waits without a deadline: for the in-process lock
 *       (interruptibly: {@link InterruptedException}), then for the file lock. The holder it waits for is an IdP
 *       refresh, bounded by that process's HTTP timeout, or a store write; a process that dies releases its file
 *       lock with it. {@link #load}, {@link #save} and {@link #delete} take no lock: each is one
 *       {@link CredentialStore} call (for the OS keyring a D-Bus round trip, serialized per store instance).
 *       {@link #generation} is one small file read.</li>
 *   <li><b>Races.</b> Callers re-read the session inside the lock ({@link #load} never answers from memory), so a
 *       refresh that waited sees, and uses, what the previous holder stored, and a rotated refresh token is
 *       redeemed once. A refresh stores its result inside the lock, and a sign-out deletes inside it, so a
 *       refresh that raced a sign-out either completed before it (and the sign-out deletes its result) or finds
 *       no session and fails with "sign in"; it never stores a session after a sign-out. Every sign-in and
 *       sign-out advances the {@linkplain #generation generation} under the lock; other processes poll it and
 *       drop what they computed from the old session (see {@code SessionEpoch}).</li>
 * </ul>
 */
public final class SessionStore {

    private static final Logger LOG = LoggerFactory.getLogger(SessionStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One in-process lock per lock file, shared by every SessionStore of this JVM (FileChannel locks are per JVM). */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final CredentialStore store;
    private final Path lockDir;

    public SessionStore(CredentialStore store, Path lockDir) {
        this.store = Objects.requireNonNull(store, "store");
        this.lockDir = Objects.requireNonNull(lockDir, "lockDir").toAbsolutePath().normalize();
    }

    /** The credential-store key of the session of (issuer, clientId). */
    public static String key(String issuer, String clientId) {
        return "idp-session|" + issuer + "|" + clientId;
    }

    /** Reads the session fresh from the store (never a stale in-memory copy). */
    public Optional<IdpSession> load(String issuer, String clientId) {
        Optional<String> json = store.read(key(issuer, clientId));
        if (json.isEmpty()) {
            return Optional.empty();
        }
        try {
            IdpSession s = fromJson(json.get());
            if (!s.issuer().equals(issuer) || !s.clientId().equals(clientId)) {
                LOG.warn("The stored IdP session for {} belongs to another issuer or client; ignoring it (sign in again).", issuer);
                return Optional.empty();
            }
            return Optional.of(s);
        } catch (IOException | RuntimeException unreadable) {
            LOG.warn("The stored IdP session for {} cannot be read ({}); sign in again to replace it.", issuer,
                    unreadable.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /** Writes the whole session; on refresh-token rotation the new token is persisted by this call. */
    public void save(IdpSession session) {
        store.write(key(session.issuer(), session.clientId()), toJson(session));
    }

    public void delete(String issuer, String clientId) {
        store.delete(key(issuer, clientId));
    }

    /**
     * Runs {@code action} holding an exclusive cross-process lock for this (issuer, client id) and an
     * in-process lock, so that one refresh at a time happens per machine. Callers re-read the session inside.
     * Waits without a deadline for the current holder (see the class contract).
     *
     * @throws InterruptedException interrupted while waiting for the in-process lock
     * @throws IOException          the lock file cannot be opened or locked
     */
    public <T> T withLock(String issuer, String clientId, Callable<T> action) throws Exception {
        Path lockFile = lockFile(issuer, clientId);
        ReentrantLock lock = LOCKS.computeIfAbsent(lockFile, p -> new ReentrantLock());
        lock.lockInterruptibly();
        try {
            if (lock.getHoldCount() > 1) {
                return action.call(); // re-entered: this thread already holds the file lock
            }
            createLockDir();
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                return action.call();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The session generation of (issuer, clientId): a counter every sign-in and sign-out on this machine
     * advances ({@link #advanceGeneration}), kept next to the lock file so that every process can notice,
     * with one small file read, that the session was replaced or ended elsewhere. 0 when never advanced or
     * unreadable. Not secret.
     */
    public long generation(String issuer, String clientId) {
        Path file = generationFile(issuer, clientId);
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
        } catch (NoSuchFileException absent) {
            return 0;
        } catch (IOException | NumberFormatException e) {
            LOG.debug("cannot read the session generation {}: {}", file, e.toString());
            return 0;
        }
    }

    /**
     * Advances the session generation of (issuer, clientId) and returns the new value. Call it holding
     * {@link #withLock} (so two processes never write the same value). A failure to write is logged: other
     * processes then notice the change only when they next read the session.
     */
    public long advanceGeneration(String issuer, String clientId) {
        long next = generation(issuer, clientId) + 1;
        Path file = generationFile(issuer, clientId);
        Path tmp = null;
        try {
            createLockDir();
            tmp = Files.createTempFile(lockDir, "generation", ".tmp");
            Files.writeString(tmp, Long.toString(next), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            LOG.warn("Cannot record the session change in {} ({}); other xaa processes notice it only when they next"
                    + " need the session.", file, e.toString());
        }
        return next;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a stray temporary file in the lock directory is harmless
            }
        }
    }

    private Path generationFile(String issuer, String clientId) {
        return lockDir.resolve("idp-session-" + sha256Hex(issuer + "\n" + clientId).substring(0, 32) + ".generation");
    }

    /** The lock file of (issuer, clientId); visible for tests that take the lock from another process. */
    public Path lockFile(String issuer, String clientId) {
        return lockDir.resolve("idp-session-" + sha256Hex(issuer + "\n" + clientId).substring(0, 32) + ".lock");
    }

    private void createLockDir() {
        if (Files.isDirectory(lockDir)) {
            return;
        }
        try {
            try {
                Files.createDirectories(lockDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createDirectories(lockDir);
            }
        } catch (FileAlreadyExistsException raced) {
            // created concurrently
        } catch (IOException e) {
            throw new ConnectorException(ConnectorException.Kind.CREDENTIAL_STORE, "Cannot create the lock directory " + lockDir + ": " + e.getMessage()
                    + ". Check that it is writable by you.", e);
        }
    }

    static String toJson(IdpSession s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("v", 1);
        n.put("issuer", s.issuer());
        n.put("clientId", s.clientId());
        n.put("subject", s.subject());
        n.put("idToken", s.idToken());
        n.put("idTokenExpiresAt", s.idTokenExpiresAt().toString());
        s.refreshToken().ifPresent(rt -> n.put("refreshToken", rt));
        n.put("authTime", s.authTime().toString());
        if (!s.idTokenRenewable()) {
            n.put("idTokenRenewable", false); // absent = true: sessions written before this field read as before
        }
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the IdP session", e);
        }
    }

    static IdpSession fromJson(String json) throws IOException {
        JsonNode n = JSON.readTree(json);
        try {
            return new IdpSession(text(n, "issuer"), text(n, "clientId"), text(n, "subject"), text(n, "idToken"),
                    Instant.parse(text(n, "idTokenExpiresAt")),
                    Optional.ofNullable(n.get("refreshToken")).filter(JsonNode::isTextual).map(JsonNode::asText),
                    Instant.parse(text(n, "authTime")), n.path("idTokenRenewable").asBoolean(true));
        } catch (DateTimeParseException e) {
            throw new IOException("bad time in the stored session", e);
        }
    }

    private static String text(JsonNode n, String field) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IOException("stored session lacks " + field);
        }
        return v.asText();
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
