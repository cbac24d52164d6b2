package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.testing.ChildJvm;
import dev.xaa4j.testing.Processes;
import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code DISPLAY} that is set but cannot be opened (its X server is gone, an SSH session without X
 * forwarding): the tray app and {@code desktop-app/demo} say so in one line and exit 3, {@code ./demo} falls back
 * to the terminal demo and says so in one line; never a JavaFX stack trace. Real processes on a display number
 * no X server listens on.
 */
@Tag("slow")
@Timeout(180)
class StaleDisplayProcessTest {

    @TempDir
    Path dir;

    /** A display number with no X server socket. */
    static String deadDisplay() {
        for (int n = 471; ; n++) {
            if (!Files.exists(Path.of("/tmp/.X11-unix/X" + n))) {
                return ":" + n;
            }
        }
    }

    /** Runs the desktop launcher with {@code args} in a child JVM with {@code env} and no Wayland display; 60 s at most. */
    private static Processes.Result launcher(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = ChildJvm.builder(List.of(), env, DesktopLauncher.class, args);
        pb.environment().remove("WAYLAND_DISPLAY");
        return Processes.run(pb, "", Duration.ofSeconds(60));
    }

    @Test
    void theTrayAppExplainsAStaleDisplayInOneLineAndExitsWith3() throws Exception {
        String display = deadDisplay();
        Processes.Result r = launcher(Map.of("DISPLAY", display),
                "--config", dir.resolve("config.json").toString(), "--memory-session");

        assertThat(r.exit()).as(r.output()).isEqualTo(DesktopLauncher.NO_DISPLAY);
        assertOneLine(r.out(), "xaa-desktop: cannot open display " + display + "; start your desktop session or unset DISPLAY");
    }

    @Test
    void checkDisplayExitsWith3AndTheSameLine() throws Exception {
        String display = deadDisplay();
        Processes.Result r = launcher(Map.of("DISPLAY", display), "--check-display");

        assertThat(r.exit()).as(r.output()).isEqualTo(DesktopLauncher.NO_DISPLAY);
        assertOneLine(r.out(), "xaa-desktop: cannot open display " + display + ";");
    }

    @Test
    void checkDisplayExitsZeroAndSaysNothingOnADisplayThatOpens() throws Exception {
        X11Session.assumeRequestedAndInstalled();
        try (X11Session x = X11Session.start(640, 480)) {
            Processes.Result r = launcher(x.env(), "--check-display");

            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(r.out()).as("no JavaFX warning either").isBlank();
        }
    }

    @Test
    void theDemoFallsBackToTheTerminalDemoAndSaysSoInOneLine() throws Exception {
        Path tree = demoTree();
        String display = deadDisplay();
        ProcessBuilder pb = new ProcessBuilder(tree.resolve("demo").toString(), "--help");
        pb.environment().put("DISPLAY", display);
        pb.environment().remove("WAYLAND_DISPLAY");

        Processes.Result r = Processes.run(pb, "", Duration.ofSeconds(90));

        assertThat(r.exit()).as(r.output()).isZero();
        assertOneLine(r.err(), "demo: cannot open display " + display + "; running the terminal demo instead");
        assertThat(r.out()).as("the terminal demo's usage").contains("--users");
    }

    @Test
    void theDesktopDemoExplainsAStaleDisplayBeforeStartingAnything() throws Exception {
        Path tree = demoTree();
        String display = deadDisplay();
        ProcessBuilder pb = new ProcessBuilder(tree.resolve("desktop-app/demo").toString());
        pb.environment().put("DISPLAY", display);
        pb.environment().remove("WAYLAND_DISPLAY");

        Processes.Result r = Processes.run(pb, "", Duration.ofSeconds(90));

        assertThat(r.exit()).as(r.output()).isEqualTo(DesktopLauncher.NO_DISPLAY);
        assertOneLine(r.err(), "xaa-desktop: cannot open display " + display + ";");
        assertThat(r.out()).as("nothing started: no issuer, no ready line").isEmpty();
    }

    private static void assertOneLine(String output, String startsWith) {
        List<String> lines = Arrays.stream(output.split("\n")).filter(l -> !l.isBlank()).collect(Collectors.toList());
        assertThat(lines).as("one line, no stack trace: %s", output).hasSize(1);
        assertThat(lines.get(0)).startsWith(startsWith);
        assertThat(output).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /**
     * The repository's {@code demo} and {@code desktop-app/demo} scripts in a tree of their own whose jars are
     * manifest-only jars over this test's classpath (the built jars do not exist yet when desktop-app's tests
     * run), and with no sources, so the scripts do not start a build.
     */
    private Path demoTree() throws Exception {
        Path tree = dir.resolve("tree");
        Path repo = Path.of("..").toAbsolutePath().normalize();
        Files.createDirectories(tree.resolve("desktop-app/target"));
        Files.createDirectories(tree.resolve("vscode-bridge/target"));
        Files.createDirectories(tree.resolve("sample-issuer/target"));
        Files.createDirectories(tree.resolve("demo-app/target"));
        Files.copy(repo.resolve("demo"), tree.resolve("demo"));
        Files.copy(repo.resolve("desktop-app/demo"), tree.resolve("desktop-app/demo"));
        for (Path script : List.of(tree.resolve("demo"), tree.resolve("desktop-app/demo"))) {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        }
        Path jar = classpathJar(dir.resolve("classpath.jar"));
        for (String target : List.of("desktop-app/target/xaa-desktop.jar", "vscode-bridge/target/xaa.jar",
                "sample-issuer/target/sample-issuer.jar", "demo-app/target/xaa4j-demo.jar")) {
            Files.copy(jar, tree.resolve(target));
        }
        return tree;
    }

    private static Path classpathJar(Path jar) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, Arrays.stream(
                System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toUri().toString()).collect(Collectors.joining(" ")));
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            return jar;
        }
    }
}
