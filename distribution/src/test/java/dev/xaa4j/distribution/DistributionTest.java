package dev.xaa4j.distribution;

import static dev.xaa4j.distribution.Distribution.emptyEnvironment;
import static dev.xaa4j.distribution.Distribution.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages as a user meets them: the .tar.gz unpacked into a temporary root and the .deb extracted with
 * {@code dpkg-deb -x}, their launchers run with an empty environment (a home and nothing else: no {@code PATH},
 * no {@code JAVA_HOME}), on the bundled runtime, with an AppCDS archive of their own, and writing their own
 * absolute path into AI clients' configurations.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DistributionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;
    static Distribution dist;

    @TempDir
    Path home;

    @BeforeAll
    static void unpack() throws Exception {
        dist = Distribution.unpack(root.resolve("unpacked here")); // a space in the path, as in "My Apps"
    }

    @Test
    void xaaRunsWithAnEmptyEnvironmentOnItsBundledRuntime() throws Exception {
        Processes.Result version = run(emptyEnvironment(home), "", dist.bin("xaa"), "--version");
        assertThat(version.exit()).as(version.err()).isZero();
        assertThat(version.out().strip()).isEqualTo("xaa " + Distribution.version());

        Map<String, String> env = emptyEnvironment(home);
        env.put("XAA_JAVA_OPTS", "-XshowSettings:properties");
        Processes.Result settings = run(env, "", dist.bin("xaa"), "--version");
        assertThat(settings.err()).contains("java.home = " + dist.app().resolve("runtime"))
                .contains("xaa.launcher = " + dist.bin("xaa"));
    }

    @Test
    void theFirstStartTrainsAnAppCdsArchiveForTheBundledRuntimeThatTheNextStartsUse() throws Exception {
        assertThat(run(emptyEnvironment(home), "", dist.bin("xaa"), "--version").exit()).isZero();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.isRegularFile(dist.lib("xaa.jsa")) && !Files.exists(dist.lib(".cds-training")));
        assertThat(Files.readString(dist.lib("xaa.jsa.classpath")).strip()).isEqualTo(dist.lib("xaa.jar").toString());

        // -Xshare:on: the JVM refuses to start unless both the runtime's base archive and xaa.jsa map
        Map<String, String> env = emptyEnvironment(home);
        env.put("XAA_JAVA_OPTS", "-Xshare:on");
        Processes.Result shared = run(env, "", dist.bin("xaa"), "--version");
        assertThat(shared.exit()).as(shared.err()).isZero();
        assertThat(shared.out().strip()).isEqualTo("xaa " + Distribution.version());
    }

    @Test
    void aTrainingLockLeftByADeadTrainingIsTakenOverAndAFreshOneIsLeftAlone() throws Exception {
        Distribution fresh = Distribution.unpack(home.resolve("another"));
        Path lock = Files.createDirectory(fresh.lib(".cds-training"));
        assertThat(run(emptyEnvironment(home), "", fresh.bin("xaa"), "--version").exit()).isZero();
        // a training under way (a fresh lock): no second one, which would write xaa.jsa within seconds (and then
        // remove the lock)
        await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.isDirectory(lock) && !Files.exists(fresh.lib("xaa.jsa")));

        Files.setLastModifiedTime(lock, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofMinutes(10))));
        assertThat(run(emptyEnvironment(home), "", fresh.bin("xaa"), "--version").exit()).isZero();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.isRegularFile(fresh.lib("xaa.jsa")) && !Files.exists(lock));
    }

    @Test
    void theDebInstallsUnderOptWithSymlinksInUsrAndItsXaaRunsWithAnEmptyEnvironment() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg-deb")), "dpkg-deb (Debian's dpkg) is not installed");
        Path debRoot = root.resolve("deb");
        Processes.Result x = Processes.run(new ProcessBuilder("dpkg-deb", "-x", Distribution.deb().toString(), debRoot.toString()), "", Distribution.RUN);
        assertThat(x.exit()).as(x.err()).isZero();
        assertThat(Files.readSymbolicLink(debRoot.resolve("usr/bin/xaa"))).isEqualTo(Path.of("/opt/xaa4j/bin/xaa"));
        assertThat(Files.readSymbolicLink(debRoot.resolve("usr/bin/xaa-tray"))).isEqualTo(Path.of("/opt/xaa4j/bin/xaa-tray"));
        assertThat(Files.readSymbolicLink(debRoot.resolve("usr/share/applications/xaa4j-tray.desktop")))
                .isEqualTo(Path.of("/opt/xaa4j/share/applications/xaa4j-tray.desktop"));
        assertThat(Files.readString(debRoot.resolve("opt/xaa4j/share/applications/xaa4j-tray.desktop"))).contains("Exec=xaa-tray");
        assertThat(debRoot.resolve("opt/xaa4j/share/xaa4j/autostart/xaa4j-tray.desktop")).isRegularFile();

        Processes.Result version = run(emptyEnvironment(home), "", debRoot.resolve("opt/xaa4j/bin/xaa"), "--version");
        assertThat(version.exit()).as(version.err()).isZero();
        assertThat(version.out().strip()).isEqualTo("xaa " + Distribution.version());

        Path control = root.resolve("deb-control");
        Processes.Result e = Processes.run(new ProcessBuilder("dpkg-deb", "-e", Distribution.deb().toString(), control.toString()), "", Distribution.RUN);
        assertThat(e.exit()).as(e.err()).isZero();
        assertThat(Files.readString(control.resolve("postinst"))).as("the archive is trained where the jar is installed")
                .contains("cds-train /opt/xaa4j/runtime/bin/java /opt/xaa4j/lib/xaa.jar /opt/xaa4j/lib/xaa.jsa");
    }

    @Test
    void xaaInstallWritesTheAbsolutePathXaaWasRunAsAndNoWarning() throws Exception {
        Distribution.writeConfig(home);
        Path vscode = home.resolve("vscode-mcp.json");
        Processes.Result direct = run(emptyEnvironment(home), "", dist.bin("xaa"), "install", "vscode", "notes", "--file", vscode);
        assertThat(direct.exit()).as(direct.err()).isZero();
        assertThat(direct.err()).doesNotContain("warning");
        JsonNode entry = JSON.readTree(vscode.toFile()).path("servers").path("notes");
        assertThat(entry.path("command").asText()).isEqualTo(dist.bin("xaa").toString());
        assertThat(entry.path("args").toString()).isEqualTo("[\"bridge\",\"notes\"]");

        // through a symlink (as /usr/bin/xaa of the .deb, ~/.local/bin/xaa of the README): the symlink, which
        // survives an upgrade into a new directory
        Path links = Files.createDirectories(root.resolve("links-" + home.getFileName()));
        Path link = Files.createSymbolicLink(links.resolve("xaa"), dist.bin("xaa"));
        Path claude = home.resolve("claude.json");
        Processes.Result viaLink = run(emptyEnvironment(home), "", link, "install", "claude", "notes", "--file", claude);
        assertThat(viaLink.exit()).as(viaLink.err()).isZero();
        assertThat(JSON.readTree(claude.toFile()).path("mcpServers").path("notes").path("command").asText()).isEqualTo(link.toString());
    }

    @Test
    void xaaInstallRunFromTheBuildDirectoryWarnsOnStderrAndNamesTheFix() throws Exception {
        Path launcher = Distribution.buildLauncher();
        assumeTrue(Files.isExecutable(launcher), "vscode-bridge is not packaged");
        Distribution.writeConfig(home);
        Map<String, String> env = emptyEnvironment(home);
        env.put("JAVA_HOME", System.getProperty("java.home")); // the build layout has no runtime of its own
        Processes.Result r = run(env, "", launcher, "install", "vscode", "notes", "--print");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains(launcher.toString()).doesNotContain("warning");
        assertThat(r.err().strip().lines()).singleElement().asString()
                .startsWith("warning: " + launcher + " is in the build directory " + launcher.getParent())
                .contains("`./mvnw clean`", "install xaa4j (the .deb or .tar.gz from distribution/target");
    }

    @Test
    void theTrayOfTheInstallationGivesAiClientsTheXaaBesideIt() throws Exception {
        Map<String, String> env = emptyEnvironment(home); // no DISPLAY: the app stops with exit 3 after start-up
        env.put("XAA_DESKTOP_JAVA_OPTS", "-XshowSettings:properties");
        Processes.Result direct = run(env, "", dist.bin("xaa-tray"));
        assertThat(direct.exit()).as(direct.err()).isEqualTo(3);
        assertThat(direct.err()).contains("xaa.launcher = " + dist.bin("xaa"), "java.home = " + dist.app().resolve("runtime"));

        Path links = Files.createDirectories(root.resolve("tray-links-" + home.getFileName()));
        Files.createSymbolicLink(links.resolve("xaa"), dist.bin("xaa"));
        Files.createSymbolicLink(links.resolve("xaa-tray"), dist.bin("xaa-tray"));
        Processes.Result viaLinks = run(env, "", links.resolve("xaa-tray"));
        assertThat(viaLinks.exit()).as(viaLinks.err()).isEqualTo(3);
        assertThat(viaLinks.err()).as("the xaa beside the tray launcher it was run as")
                .contains("xaa.launcher = " + links.resolve("xaa"));
    }

    @Test
    void autostartIsOffUntilAskedThenStartsThisInstallationsTrayAndOffRemovesIt() throws Exception {
        Path entry = home.resolve(".config/autostart/xaa4j-tray.desktop");
        assertThat(entry).doesNotExist();
        Processes.Result on = run(emptyEnvironment(home), "", dist.bin("xaa-tray"), "--autostart", "on");
        assertThat(on.exit()).as(on.err()).isZero();
        assertThat(on.out()).contains("xaa4j starts at login: wrote " + entry);
        assertThat(Files.readString(entry)).contains("Exec=\"" + dist.bin("xaa-tray") + "\"", "Type=Application");

        Processes.Result off = run(emptyEnvironment(home), "", dist.bin("xaa-tray"), "--autostart", "off");
        assertThat(off.exit()).as(off.err()).isZero();
        assertThat(entry).doesNotExist();
    }

    @Test
    void theTrayAppOpensADisplayOnTheBundledRuntime() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/Xvfb")), "Xvfb is not installed");
        Process xvfb = Processes.start(new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp")
                .redirectError(ProcessBuilder.Redirect.DISCARD));
        try {
            String display = new java.io.BufferedReader(new java.io.InputStreamReader(xvfb.getInputStream())).readLine();
            assertThat(display).as("Xvfb's display number").isNotBlank();
            Map<String, String> env = emptyEnvironment(home);
            env.put("DISPLAY", ":" + display.strip());
            Processes.Result check = run(env, "", dist.bin("xaa-tray"), "--check-display");
            assertThat(check.exit()).as(check.err()).isZero();
        } finally {
            Processes.destroyTree(xvfb);
        }
    }
}
