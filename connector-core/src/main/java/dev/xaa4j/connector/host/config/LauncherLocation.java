package dev.xaa4j.connector.host.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the command written into an AI client's MCP configuration ({@code xaa install}, the tray's "Copy VS Code
 * config" / "Add to Claude Desktop") lives in a build directory, where {@code ./mvnw clean} or the next build
 * removes it and breaks the AI client. A build directory is a {@code target} directory with a {@code pom.xml}
 * beside it, anywhere above the file (symlinks resolved). Stateless; thread-safe.
 */
public final class LauncherLocation {

    private LauncherLocation() {
    }

    /**
     * The build directory ({@code …/target}, real path) that holds {@code file}, or empty for an installed file,
     * a file outside any Maven project, or one that does not exist.
     */
    public static Optional<Path> buildDirectory(Path file) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            return Optional.empty();
        }
        for (Path p = real.getParent(); p != null && p.getParent() != null; p = p.getParent()) {
            if (p.getFileName().toString().equals("target") && Files.isRegularFile(p.resolveSibling("pom.xml"))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * One line for stderr (or the window) when {@code file}, the command or jar an AI client is given, lives in a
     * build directory; it names the problem and the fix (install the distribution, then do the same with the
     * installed {@code xaa} or tray app). Empty when it does not.
     */
    public static Optional<String> buildDirectoryWarning(Path file) {
        return buildDirectory(file).map(target -> "warning: " + file + " is in the build directory " + target
                + ", which `./mvnw clean` or the next build replaces, and the AI client then cannot start it; "
                + "install xaa4j (the .deb or .tar.gz from distribution/target: see distribution/README.md) "
                + "and do this again with the installed xaa or tray app.");
    }
}
