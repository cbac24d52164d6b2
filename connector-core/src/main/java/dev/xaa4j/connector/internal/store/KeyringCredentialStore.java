package dev.xaa4j.connector.internal.store;

import com.github.javakeyring.BackendNotSupportedException;
import com.github.javakeyring.Keyring;
import com.github.javakeyring.PasswordAccessException;
import dev.xaa4j.connector.ConnectorException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The OS keyring through java-keyring 1.0.4: macOS Keychain, Windows Credential Manager, or the Secret
 * Service (gnome-keyring, KWallet) over D-Bus on Linux. Items use the keyring service {@code service} and the
 * key as account name.
 *
 * <p><b>Values of any size.</b> Windows caps one credential at 2,560 bytes, so no item exceeds
 * {@value #ITEM_BYTES} bytes, whether the backend encodes it as UTF-8 or UTF-16: a small value is stored inline
 * in one item; a larger one is split (never inside a surrogate pair) into numbered chunk items
 * {@code key#g<generation>.<n>} plus a small manifest under {@code key}. A write records the new generation
 * in a pending marker ({@code key#gpending}), stores its chunks, then the manifest, then deletes the previous
 * generation's chunks and the marker, so a reader in another process sees either the old or the new value,
 * never a mix (a reader that loses the race re-reads the manifest), and a crash at any point leaves the
 * previous value or none, never a half one. The next write or delete removes the parts a crashed write
 * left (the generation in the marker). A manifest whose parts stay missing (deleted by hand or by another
 * tool) is no value: {@link #read} removes its remains and answers empty, so the caller sees "not signed in".
 *
 * <p><b>Failures.</b> java-keyring reports a missing backend as {@link BackendNotSupportedException} and a
 * locked keyring, or one without a default collection, as a bare {@link NullPointerException}; both become a
 * {@link ConnectorException.Kind#CREDENTIAL_STORE} whose message names the remedy. There is no plaintext fallback, ever.
 *
 * <p>Thread-safe: calls on one instance are serialized (the D-Bus connection is shared). Cross-process
 * coordination of read-modify-write sequences is the caller's business ({@link SessionStore#withLock}).
 */
public final class KeyringCredentialStore implements CredentialStore {

    /** Largest item, in UTF-8 and in UTF-16 bytes: below Windows' 2,560-byte credential blob cap. */
    static final int ITEM_BYTES = 2048;
    static final String INLINE_PREFIX = "xaa4j:v1:";
    static final String MANIFEST_PREFIX = "xaa4j:chunks:v1:";

    static final String NO_BACKEND = "No OS keyring is available: on Linux install and run a Secret Service "
            + "provider (gnome-keyring or KWallet) in a D-Bus session; on macOS/Windows the Keychain/Credential "
            + "Manager must be reachable. xaa4j never falls back to storing tokens in plain files.";
    static final String LOCKED = "The OS keyring is locked or has no default collection: unlock your login "
            + "keyring (Secret Service / gnome-keyring, e.g. log in to a desktop session or run "
            + "'gnome-keyring-daemon --unlock') and retry.";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KeyringCredentialStore.class);
    /** Re-reads of an entry that other processes keep replacing, before giving up (transiently). */
    private static final int MAX_READS = 3;

    private final String service;
    private final Consumer<String> afterSet;
    private Keyring keyring; // guarded by this; created on first use so that constructing never fails

    /** @param service the keyring service name, e.g. {@code xaa4j} */
    public KeyringCredentialStore(String service) {
        this(service, account -> { });
    }

    /** @param afterSet called after each item is stored, with its account name (tests simulate a crash here) */
    KeyringCredentialStore(String service, Consumer<String> afterSet) {
        this.afterSet = Objects.requireNonNull(afterSet, "afterSet");
        this.service = Objects.requireNonNull(service, "service");
        if (service.isBlank()) {
            throw new IllegalArgumentException("keyring service name must not be blank");
        }
    }

    /**
     * Connects to the OS keyring now rather than at the first read or write: the first connection is the slow
     * part of a keyring read (on Linux a D-Bus connection and a Secret Service session, some 100 ms), and a
     * caller that knows it will read soon can overlap it with other start-up work. Reads nothing. A failure is
     * not kept: the next read or write connects again and reports it as usual. Idempotent.
     */
    public synchronized void connect() {
        try {
            keyring();
        } catch (ConnectorException e) { // locked or no keyring: reported again on use
            LOG.debug("connecting to the OS keyring ahead of use failed: {}", e.getMessage());
        }
    }

    @Override
    public synchronized Optional<String> read(String key) {
        requireKey(key);
        for (int attempt = 0; ; attempt++) {
            Optional<String> stored = get(key);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            String raw = stored.get();
            if (!raw.startsWith(MANIFEST_PREFIX)) {
                return Optional.of(raw.startsWith(INLINE_PREFIX) ? raw.substring(INLINE_PREFIX.length()) : raw);
            }
            Manifest m = Manifest.parse(key, raw);
            StringBuilder value = new StringBuilder(m.length());
            boolean complete = true;
            for (int i = 0; i < m.count() && complete; i++) {
                Optional<String> chunk = get(chunkAccount(key, m.generation(), i));
                complete = chunk.isPresent();
                chunk.ifPresent(value::append);
            }
            if (complete && value.length() == m.length()) {
                return Optional.of(value.toString());
            }
            if (raw.equals(get(key).orElse(null))) {
                // Parts missing under an unchanged manifest: no writer does that (a write deletes the previous
                // parts only after its manifest replaced theirs), so a part was deleted by hand or by another
                // tool. There is no value: forget the remains, as if it had never been written.
                LOG.warn("The keyring entry '{}' of service '{}' was incomplete (parts missing); removed it."
                        + " Sign in again.", key, service);
                remove(key);
                deleteChunks(key, m);
                return Optional.empty();
            }
            if (attempt >= MAX_READS) {
                throw new ConnectorException(ConnectorException.Kind.CREDENTIAL_STORE, "The keyring entry '" + key + "' of service '" + service
                        + "' kept changing while it was read; try again.");
            }
            // Another process replaced the value between our manifest read and chunk reads: read again.
        }
    }

    @Override
    public synchronized void write(String key, String value) {
        requireKey(key);
        Objects.requireNonNull(value, "value");
        Optional<Manifest> previous = get(key).flatMap(Manifest::tryParse);
        cleanOrphans(key, previous);
        String inline = INLINE_PREFIX + value;
        if (fits(inline)) {
            set(key, inline);
        } else {
            String generation = newGeneration();
            List<String> chunks = chunks(value);
            set(pendingAccount(key), generation); // first, so a crash before the manifest leaves findable orphans
            for (int i = 0; i < chunks.size(); i++) {
                set(chunkAccount(key, generation, i), chunks.get(i));
            }
            set(key, new Manifest(generation, chunks.size(), value.length()).format());
            remove(pendingAccount(key));
        }
        previous.ifPresent(m -> deleteChunks(key, m));
    }

    @Override
    public synchronized void delete(String key) {
        requireKey(key);
        Optional<Manifest> previous = get(key).flatMap(Manifest::tryParse);
        remove(key);
        previous.ifPresent(m -> deleteChunks(key, m));
        cleanOrphans(key, Optional.empty());
    }

    /**
     * Deletes the parts of a write that crashed before its manifest: the generation named by the pending
     * marker, unless the manifest is that generation (a crash after the manifest, before the marker's removal).
     * Parts are written in order, so they are the prefix up to the first absent one.
     */
    private void cleanOrphans(String key, Optional<Manifest> current) {
        Optional<String> pending = get(pendingAccount(key));
        if (pending.isEmpty()) {
            return;
        }
        String generation = pending.get();
        if (current.isEmpty() || !current.get().generation().equals(generation)) {
            for (int i = 0; get(chunkAccount(key, generation, i)).isPresent(); i++) {
                remove(chunkAccount(key, generation, i));
            }
        }
        remove(pendingAccount(key));
    }

    private void deleteChunks(String key, Manifest m) {
        for (int i = 0; i < m.count(); i++) {
            remove(chunkAccount(key, m.generation(), i));
        }
    }

    /** Splits {@code value} into pieces of at most {@link #ITEM_BYTES} in both UTF-8 and UTF-16. */
    static List<String> chunks(String value) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int utf8 = 0;
        int i = 0;
        while (i < value.length()) {
            int cp = value.codePointAt(i);
            int chars = Character.charCount(cp);
            int bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (utf8 + bytes > ITEM_BYTES || (i + chars - start) * 2 > ITEM_BYTES) {
                out.add(value.substring(start, i));
                start = i;
                utf8 = 0;
            }
            utf8 += bytes;
            i += chars;
        }
        if (start < value.length()) {
            out.add(value.substring(start));
        }
        return out;
    }

    static boolean fits(String item) {
        return item.length() * 2 <= ITEM_BYTES && item.getBytes(StandardCharsets.UTF_8).length <= ITEM_BYTES;
    }

    /** The marker naming the generation a chunked write is storing; never a valid key (contains "#g"). */
    static String pendingAccount(String key) {
        return key + "#gpending";
    }

    static String chunkAccount(String key, String generation, int index) {
        return key + "#g" + generation + "." + index;
    }

    private static String newGeneration() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void requireKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.contains("#g")) {
            throw new IllegalArgumentException("invalid credential key '" + key + "'");
        }
    }

    private Optional<String> get(String account) {
        Keyring k = keyring();
        try {
            return Optional.ofNullable(k.getPassword(service, account));
        } catch (PasswordAccessException absent) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw locked(e);
        }
    }

    private void set(String account, String value) {
        store(account, value);
        afterSet.accept(account);
    }

    private void store(String account, String value) {
        Keyring k = keyring();
        try {
            k.setPassword(service, account, value);
        } catch (PasswordAccessException e) {
            throw new ConnectorException(ConnectorException.Kind.CREDENTIAL_STORE, "The OS keyring refused to store an entry of service '" + service
                    + "': " + e.getMessage() + ". Check that your login keyring is unlocked and writable.", e);
        } catch (RuntimeException e) {
            throw locked(e);
        }
    }

    private void remove(String account) {
        Keyring k = keyring();
        try {
            k.deletePassword(service, account);
        } catch (PasswordAccessException absent) {
            // already gone
        } catch (RuntimeException e) {
            throw locked(e);
        }
    }

    private ConnectorException locked(RuntimeException e) {
        // java-keyring surfaces a locked collection as an NPE; the D-Bus connection may be dead too: start over.
        closeQuietly();
        return new ConnectorException(ConnectorException.Kind.CREDENTIAL_STORE, LOCKED, e);
    }

    private Keyring keyring() {
        if (keyring == null) {
            try {
                keyring = Keyring.create();
            } catch (BackendNotSupportedException e) {
                throw new ConnectorException(ConnectorException.Kind.KEYRING_UNAVAILABLE, NO_BACKEND, e);
            } catch (RuntimeException e) {
                throw new ConnectorException(ConnectorException.Kind.CREDENTIAL_STORE, LOCKED, e);
            }
        }
        return keyring;
    }

    private void closeQuietly() {
        Keyring k = keyring;
        keyring = null;
        if (k != null) {
            try {
                k.close();
            } catch (Exception ignored) {
                // best effort: the next call creates a fresh connection
            }
        }
    }

    @Override
    public String toString() {
        return "KeyringCredentialStore[service=" + service + "]";
    }

    /** The manifest of a chunked value: {@code xaa4j:chunks:v1:<generation>:<count>:<length>}. */
    record Manifest(String generation, int count, int length) {
        String format() {
            return MANIFEST_PREFIX + generation + ":" + count + ":" + length;
        }

        /** The manifest in {@code raw}, if it is one (used before overwriting or deleting: never fails). */
        static Optional<Manifest> tryParse(String raw) {
            try {
                return raw.startsWith(MANIFEST_PREFIX) ? Optional.of(parse("?", raw)) : Optional.empty();
            } catch (ConnectorException malformed) {
                return Optional.empty();
            }
        }

        static Manifest parse(String key, String raw) {
            String[] parts = raw.substring(MANIFEST_PREFIX.length()).split(":");
            try {
                if (parts.length == 3) {
                    return new Manifest(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
                }
            } catch (NumberFormatException malformed) {
                // fall through
            }
            throw new ConnectorException(ConnectorException.Kind.CREDENTIAL_STORE, "The keyring entry '" + key
                    + "' is not in a format this version understands; sign out and sign in again to rewrite it.");
        }
    }
}
