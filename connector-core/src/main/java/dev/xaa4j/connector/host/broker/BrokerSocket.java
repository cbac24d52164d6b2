package dev.xaa4j.connector.host.broker;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.host.config.ConfigPaths;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where the broker's socket lives, and the rule that keeps other users out.
 *
 * <p>The JDK offers no way to read the peer's credentials on a Unix domain socket ({@code SO_PEERCRED} /
 * {@code getpeereid} are not exposed), so access control rests on the file system: the socket is created in
 * a directory that must be owned by the current user and have no group or other permissions (0700); the
 * socket file itself is 0600. Both the server (at bind) and the client (at connect) check the directory and
 * refuse anything looser, a directory owned by someone else, or a symbolic link. On file systems without
 * POSIX permissions (Windows) the checks are skipped and the per-user profile directory's ACL is relied on.
 *
 * <p>Directory: {@code $XAA_RUNTIME_DIR} if set (tests, several users' agents side by side), else
 * {@code $XDG_RUNTIME_DIR/xaa4j}, else {@code <state dir>/run}. Socket: {@code broker.sock} in it.
 */
public final class BrokerSocket {

    static final String SOCKET_NAME = "broker.sock";
    static final String LOCK_NAME = "broker.lock";
    /** {@code sun_path} is 108 bytes on Linux, 104 on macOS. */
    private static final int MAX_PATH_BYTES = 100;
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private BrokerSocket() {
    }

    /** The per-user socket path (see the class comment). */
    public static Path defaultPath() {
        return defaultDirectory().resolve(SOCKET_NAME);
    }

    /** The socket's directory ({@link ConfigPaths#runtimeDir()}, see the class comment). */
    public static Path defaultDirectory() {
        return ConfigPaths.runtimeDir();
    }

    /** Creates {@code socket}'s directory (0700) if missing, then checks it as {@link #checkDirectory} does. */
    static void prepareDirectory(Path socket) {
        Path dir = directoryOf(socket);
        checkLength(socket);
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.getParent());
                if (posix()) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                    Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR); // the umask may have removed bits, never added
                } else {
                    Files.createDirectory(dir);
                }
            }
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // another broker or client created it at the same time: checked below like any existing directory
        } catch (IOException e) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "cannot create the broker directory " + dir + ": " + e.getMessage(), e);
        }
        checkDirectory(socket);
    }

    /**
     * Refuses a socket directory that another user could write to or read: not a real directory, not owned by
     * the current user, or with any group/other permission bit.
     *
     * @throws ConnectorException (CONFIGURATION) with the directory, what is wrong and the fix
     */
    static void checkDirectory(Path socket) {
        Path dir = directoryOf(socket);
        if (!posix()) {
            return;
        }
        PosixFileAttributes attrs;
        try {
            attrs = Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
        } catch (IOException e) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "cannot read the broker directory " + dir + ": " + e.getMessage(), e);
        }
        if (!attrs.isDirectory()) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "refusing to use " + dir + " for the broker socket: it is not a directory"
                    + (attrs.isSymbolicLink() ? " but a symbolic link" : ""));
        }
        if (!ownedByCurrentUser(dir, attrs)) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "refusing to use " + dir + " for the broker socket: it belongs to "
                    + attrs.owner().getName() + ", not to you");
        }
        Set<PosixFilePermission> loose = EnumSet.copyOf(attrs.permissions());
        loose.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        if (!loose.isEmpty()) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "refusing to use " + dir + " for the broker socket: its mode is "
                    + PosixFilePermissions.toString(attrs.permissions()) + "; other users could reach the socket. Fix: chmod 700 " + dir);
        }
    }

    static void restrictSocketFile(Path socket) throws IOException {
        if (posix()) {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        }
    }

    static Path directoryOf(Path socket) {
        Path dir = socket.toAbsolutePath().getParent();
        if (dir == null) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "the broker socket " + socket + " needs a directory of its own");
        }
        return dir;
    }

    private static void checkLength(Path socket) {
        if (socket.toAbsolutePath().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "the broker socket path " + socket + " is too long for a Unix domain socket; "
                    + "set XAA_RUNTIME_DIR to a shorter directory");
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static boolean ownedByCurrentUser(Path dir, PosixFileAttributes attrs) {
        try {
            Object uid = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return uid instanceof Integer u && u == currentUid();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | LinkageError e) {
            return attrs.owner().getName().equals(System.getProperty("user.name"));
        }
    }

    private static long currentUid() {
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }
}
