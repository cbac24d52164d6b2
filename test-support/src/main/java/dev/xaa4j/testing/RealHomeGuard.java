package dev.xaa4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test class that wrote under the real home's xaa4j directories. Registered for every test class of
 * the modules that have test-support (JUnit extension autodetection, switched on in the parent
 * pom's surefire configuration): before a class it records every file under those directories (path, size,
 * modification time), after it compares; any file added, changed or removed fails the class with the list.
 *
 * <p>The real home is the system property {@code xaa4j.realHome} (the parent pom passes the builder's home),
 * else {@code $XAA_REAL_HOME} (set by {@code .ci/with-keyring}), else {@code $HOME}. The watched directories are
 * every per-user location the product resolves (ConfigPaths): config, cache and state on Linux and macOS, the
 * XDG data directory, and the broker's socket directory under {@code $XDG_RUNTIME_DIR}.
 */
public final class RealHomeGuard implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RealHomeGuard.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put("before", snapshot(watched()));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterAll(ExtensionContext context) {
        Map<Path, String> before = context.getStore(NS).get("before", Map.class);
        if (before == null) {
            return;
        }
        List<String> changes = changes(before, snapshot(watched()));
        if (!changes.isEmpty()) {
            throw new AssertionError(context.getRequiredTestClass().getSimpleName() + " wrote under the real home ("
                    + realHome() + ") while it ran (unless another program on this machine wrote there meanwhile); "
                    + "tests must use a throwaway HOME, -Duser.home and XDG_* directories: " + changes);
        }
    }

    /** The home that tests must leave alone (see the class comment). */
    public static Path realHome() {
        String property = System.getProperty("xaa4j.realHome");
        if (property != null && !property.isBlank() && !property.startsWith("${")) {
            return Path.of(property);
        }
        String ci = System.getenv("XAA_REAL_HOME");
        return Path.of(ci != null && !ci.isBlank() ? ci : System.getenv().getOrDefault("HOME", System.getProperty("user.home")));
    }

    /** The real home's xaa4j directories, and the real broker directory. */
    public static List<Path> watched() {
        Path home = realHome();
        List<Path> dirs = new ArrayList<>(List.of(home.resolve(".config/xaa4j"), home.resolve(".cache/xaa4j"),
                home.resolve(".local/state/xaa4j"), home.resolve(".local/share/xaa4j"),
                home.resolve("Library/Application Support/xaa4j"), home.resolve("Library/Caches/xaa4j")));
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            dirs.add(Path.of(runtime, "xaa4j"));
        }
        return dirs;
    }

    /** Path to "size mtime" for every file and directory under {@code roots} (absent roots are recorded absent). */
    public static Map<Path, String> snapshot(List<Path> roots) {
        Map<Path, String> files = new TreeMap<>();
        for (Path root : roots) {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                walk.forEach(p -> {
                    try {
                        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                        files.put(p, a.isDirectory() ? "dir" : a.size() + " bytes, modified " + a.lastModifiedTime());
                    } catch (NoSuchFileException gone) {
                        // removed while walking: absent from this snapshot
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** One line per path added, changed or removed between two snapshots. */
    public static List<String> changes(Map<Path, String> before, Map<Path, String> after) {
        Set<Path> all = new TreeSet<>(before.keySet());
        all.addAll(after.keySet());
        List<String> changes = new ArrayList<>();
        for (Path p : all) {
            String was = before.get(p);
            String is = after.get(p);
            if (was == null) {
                changes.add("added " + p + " (" + is + ")");
            } else if (is == null) {
                changes.add("removed " + p);
            } else if (!was.equals(is)) {
                changes.add("changed " + p + " (" + was + " -> " + is + ")");
            }
        }
        return changes;
    }
}
