package dev.xaa4j.connector.internal;

import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorListener;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.connector.host.config.ConfigPaths;
import dev.xaa4j.connector.internal.grant.Redaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.TreeSet;

/**
 * The activity journal of a {@link dev.xaa4j.connector.Connector} (not API: the connector adds it unless
 * {@code journal(false)}) (docs/protocol.md §3.1 and §3.5: no token ever written). Appends every {@link ConnectorEvent} as one JSON line to {@code activity.jsonl} in the state directory, so
 * a person (or {@code xaa doctor}) can see what happened: sign-ins, tokens issued (server, scopes, expiry),
 * renewal failures, revocations. Events carry no token values; free text is additionally passed through
 * {@link Redaction#scrub}. The file is created {@code 0600} where POSIX permissions exist. Writes are
 * serialised; an I/O failure is logged and does not affect the connector.
 */
public final class ActivityJournal implements ConnectorListener {

    /** The file name inside the state directory. */
    public static final String FILE_NAME = "activity.jsonl";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ActivityJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public ActivityJournal(Path stateDir) {
        this.file = stateDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /**
     * The per-user state directory: {@code $XDG_STATE_HOME/xaa4j} (else {@code ~/.local/state/xaa4j}, the home
     * being {@code $HOME}) on Linux, {@code ~/Library/Application Support/xaa4j} on macOS,
     * {@code %LOCALAPPDATA%\xaa4j} on Windows ({@link ConfigPaths#stateDir()}).
     */
    public static Path defaultStateDir() {
        return ConfigPaths.stateDir();
    }

    @Override
    public synchronized void onEvent(ConnectorEvent event) {
        try {
            String line = JSON.writeValueAsString(toJson(event)) + "\n";
            if (Files.notExists(file)) {
                Files.createDirectories(file.getParent());
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(file);
                }
            }
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not append to the activity journal {}: {}", file, e.toString());
        }
    }

    static ObjectNode toJson(ConnectorEvent event) {
        ObjectNode o = JSON.createObjectNode();
        o.put("ts", event.at().toString());
        o.put("event", event.type());
        if (event instanceof ConnectorEvent.SignedIn e) {
            o.put("user", e.user());
            o.put("sessionExpiresAt", e.sessionExpiresAt().toString());
        } else if (event instanceof ConnectorEvent.SignedOut e) {
            e.user().ifPresent(u -> o.put("user", u));
        } else if (event instanceof ConnectorEvent.TokenIssued e) {
            o.put("server", e.server());
            var scopes = o.putArray("scopes");
            new TreeSet<>(e.scopes()).forEach(scopes::add);
            o.put("expiresAt", e.expiresAt().toString());
        } else if (event instanceof ConnectorEvent.RenewalFailed e) {
            o.put("server", e.server());
            o.put("reason", Redaction.scrub(e.reason()));
            o.put("tokenStillValid", e.tokenStillValid());
        } else if (event instanceof ConnectorEvent.AccessRevoked e) {
            o.put("server", e.server());
            o.put("reason", Redaction.scrub(e.reason()));
        } else if (event instanceof ConnectorEvent.SignInRequired e) {
            e.server().ifPresent(s -> o.put("server", s));
            o.put("reason", Redaction.scrub(e.reason()));
        }
        return o;
    }
}
