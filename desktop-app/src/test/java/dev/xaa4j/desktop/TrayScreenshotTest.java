package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.SampleIssuerFixture;
import dev.xaa4j.connector.SignInRequiredException;
import dev.xaa4j.connector.broker.BrokerClient;
import dev.xaa4j.connector.testing.TestBrowserScript;
import dev.xaa4j.sample.SampleIssuer;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real app ({@link DesktopLauncher}, in a child JVM) on a real X server: a private Xvfb with {@code trayer}
 * as the tray host, driven with {@code xdotool} like a person would (right-click the tray icon, double-click
 * it to open the window, Alt+S to sign in), against the sample issuer. Writes PNGs to
 * {@code target/screenshots/}: the tray signed out, the notification a bridge's sign-in request raises, the
 * main window signed in, the tray menu, and the "needs attention" state after an admin revocation. A
 * {@link BrokerClient} plays the bridge: the app serves tokens on the {@code xaa agent} socket.
 *
 * <p>Never skipped silently: without Xvfb and friends it fails and names the Debian packages, unless
 * {@code -Dxaa4j.desktop.x11=skip} is given explicitly (e.g. on macOS, where this test does not apply).
 */
class TrayScreenshotTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final int GREY = 0x8a8f98;
    static final int GREEN = 0x1f9d55;
    static final int ORANGE = 0xe67e22;

    @TempDir
    static Path issuerState;
    static SampleIssuer issuer;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        issuer = DesktopFixture.startIssuer(issuerState);
    }

    @AfterAll
    static void stop() throws Exception {
        issuer.close();
    }

    @Test
    void startsIntoTheTrayThenSignsInShowsTheWindowTheTrayMenuAndARevocation() throws Exception {
        if ("skip".equals(System.getProperty("xaa4j.desktop.x11"))) {
            System.err.println("TrayScreenshotTest: skipped on request (-Dxaa4j.desktop.x11=skip)");
            return;
        }
        assertThat(X11Session.missingTools()).as("X11 tools for the tray test; install the Debian packages "
                + "xvfb trayer xdotool x11-utils imagemagick (.ci/run does), or pass -Dxaa4j.desktop.x11=skip").isEmpty();

        Path config = DesktopFixture.writeConfig(dir, issuer, List.of("notes", "tickets"));
        Files.writeString(config.getParent().resolve("desktop.json"),
                "{\"x\":60,\"y\":60,\"width\":1040,\"height\":660,\"textScale\":1.0,\"startInTray\":true}");
        Path browser = TestBrowserScript.write(dir, "alice", "alice", dir.resolve("browser.log"));
        Path stateHome = dir.resolve("state-home");

        try (X11Session x = X11Session.start(1280, 800)) {
            x.startTrayer();
            Process app = launch(x, config, browser, stateHome);
            try {
                // 1. starts into the tray: a grey icon appears in trayer's panel (AWT adds it ~2.5 s later), no window
                int[] icon = awaitIcon(x, app, GREY);
                assertThat(x.window("^xaa4j — company")).as("starts hidden in the tray").isNull();
                Path trayOut = SHOTS.resolve("tray-signed-out.png");
                x.screenshotRoot(trayOut);

                // 1b. the app hosts the broker on the xaa agent socket: a bridge asking now learns a sign-in is
                //     needed (typed, no browser), and its report turns into a tray notification
                Path socket = runtimeDir().resolve("broker.sock");
                BrokerClient bridge = awaitBroker(socket, app);
                assertThatThrownBy(() -> bridge.token("notes")).isInstanceOf(SignInRequiredException.class);
                bridge.signInNeeded("notes");
                Thread.sleep(1500);
                x.screenshotRoot(SHOTS.resolve("tray-notification.png"));

                // 2. double-click opens the window; Alt+S signs in through the (scripted) system browser
                x.click(icon[0], icon[1], 1, 2);
                String window = awaitWindow(x, "^xaa4j — company");
                x.key(window, "alt+s");
                awaitJournal(stateHome, "\"signed_in\"", "\"server\":\"notes\"", "\"server\":\"tickets\"");
                awaitIcon(x, app, GREEN);
                // the bridge now gets alice's token from the app, with no sign-in of its own
                AccessToken fromApp = bridge.token("notes");
                assertThat(fromApp.scopes()).contains("notes.read");
                assertThat(fromApp.expiresAt()).isAfter(java.time.Instant.now());
                bridge.close();
                Thread.sleep(1500); // let the table show both servers and the countdown tick
                Path main = SHOTS.resolve("main-window.png");
                x.screenshotWindow(window, main);
                BufferedImage mainImg = ImageIO.read(main.toFile());
                assertThat(mainImg.getWidth()).isEqualTo(1040);
                assertThat(mainImg.getHeight()).isBetween(600, 700);
                assertThat(distinctColours(mainImg)).as("a rendered window, not a blank one").isGreaterThan(50);

                // 3. right-click shows the tray menu: Open, Sign in again, Sign out, one line per server, Quit
                x.click(icon[0], icon[1], 3, 1);
                Thread.sleep(1500);
                Path screen = SHOTS.resolve("tray-menu-screen.png");
                x.screenshotRoot(screen);
                BufferedImage full = ImageIO.read(screen.toFile());
                BufferedImage menu = full.getSubimage(full.getWidth() - 420, 0, 420, 300);
                ImageIO.write(menu, "png", SHOTS.resolve("tray-menu.png").toFile());
                assertThat(distinctColours(menu)).as("the popup menu is drawn next to the icon").isGreaterThan(10);
                x.run("xdotool", "key", "Escape");
                x.click(640, 700, 1, 1); // close the popup if Escape did not
                Thread.sleep(300);

                // 4. an admin revokes tickets: the next renewal is refused; the icon turns orange ("needs attention")
                assertThat(DesktopFixture.revoke(issuer, "alice", "tickets")).isEqualTo(200);
                try {
                    awaitJournal(stateHome, "\"access_revoked\"");
                    awaitIcon(x, app, ORANGE);
                    Thread.sleep(1000);
                    x.screenshotWindow(window, SHOTS.resolve("main-window-revoked.png"));
                    x.screenshotRoot(SHOTS.resolve("tray-attention.png"));
                } finally {
                    SampleIssuerFixtureAdmin.restore(issuer, "alice", "tickets");
                }
                assertThat(Files.readString(stateHome.resolve("xaa4j").resolve("activity.jsonl"))).doesNotContain("eyJ");
            } finally {
                app.destroy();
                if (!app.waitFor(10, TimeUnit.SECONDS)) {
                    app.destroyForcibly();
                }
                Path log = SHOTS.resolve("app.log");
                if (Files.exists(dir.resolve("app.log"))) {
                    Files.copy(dir.resolve("app.log"), log, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        assertThat(SHOTS.resolve("main-window.png")).exists();
        assertThat(SHOTS.resolve("tray-menu.png")).exists();
    }

    @Test
    void withoutATrayHostTheWindowOpensAndSaysWhyAndIsReadableAt200Percent() throws Exception {
        if ("skip".equals(System.getProperty("xaa4j.desktop.x11"))) {
            System.err.println("TrayScreenshotTest: skipped on request (-Dxaa4j.desktop.x11=skip)");
            return;
        }
        assertThat(X11Session.missingTools()).as("X11 tools; install xvfb trayer xdotool x11-utils imagemagick").isEmpty();
        Path config = DesktopFixture.writeConfig(dir, issuer, List.of("notes", "tickets"));
        // the user chose 200 % text and a large window last time; a tray is wanted but none exists
        Files.writeString(config.getParent().resolve("desktop.json"),
                "{\"x\":0,\"y\":0,\"width\":1560,\"height\":1000,\"textScale\":2.0,\"startInTray\":true}");
        Path browser = TestBrowserScript.write(dir, "alice", "alice", dir.resolve("browser.log"));
        Path stateHome = dir.resolve("state-home");
        try (X11Session x = X11Session.start(1600, 1040)) {
            Process app = launch(x, config, browser, stateHome);
            try {
                String window = awaitWindow(x, "^xaa4j — company");
                x.key(window, "alt+s");
                awaitJournal(stateHome, "\"signed_in\"", "\"server\":\"notes\"", "\"server\":\"tickets\"");
                Thread.sleep(2000);
                Path shot = SHOTS.resolve("main-window-no-tray-200.png");
                x.screenshotWindow(window, shot);
                BufferedImage img = ImageIO.read(shot.toFile());
                assertThat(img.getWidth()).as("the saved window size is restored").isEqualTo(1560);
                assertThat(distinctColours(img)).isGreaterThan(50);
                // the "no tray" notice is a light-blue band across the top of the window
                assertThat(contains(img.getSubimage(0, 0, img.getWidth(), 80), c -> near(c, 0xe8f0fe))).isTrue();
                assertThat(app.isAlive()).as("no tray is not a crash").isTrue();
            } finally {
                app.destroy();
                if (!app.waitFor(10, TimeUnit.SECONDS)) {
                    app.destroyForcibly();
                }
            }
        }
    }

    /** {@code java -cp <test classpath> dev.xaa4j.desktop.DesktopLauncher} with the display, BROWSER and secrets on stdin. */
    private Process launch(X11Session x, Path config, Path browser, Path stateHome) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dprism.order=sw",
                DesktopLauncher.class.getName(), "--config", config.toString(), "--memory-session", "--client-secrets-stdin"));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dir.resolve("app.log").toFile());
        pb.environment().put("DISPLAY", x.display);
        pb.environment().put("BROWSER", browser.toString());
        pb.environment().put("XDG_STATE_HOME", stateHome.toString());
        pb.environment().put("XDG_CONFIG_HOME", dir.resolve("config-home").toString());
        pb.environment().put("XAA_RUNTIME_DIR", runtimeDir().toString()); // the broker socket, private to this test
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write((SampleIssuerFixture.IDP_CLIENT + "=" + SampleIssuerFixture.IDP_SECRET + "\n"
                    + SampleIssuerFixture.AS_CLIENT + "=" + SampleIssuerFixture.AS_SECRET + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    private BrokerClient awaitBroker(Path socket, Process app) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return BrokerClient.connect(socket, java.time.Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline || !app.isAlive()) {
                    throw new AssertionError("the app does not serve the broker on " + socket + "; log: " + log(), e);
                }
                Thread.sleep(200);
            }
        }
    }

    private Path runtimeDir() throws Exception {
        Path run = dir.resolve("run");
        if (!Files.isDirectory(run)) {
            Files.createDirectories(run, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        }
        return run;
    }

    /** Waits until trayer's panel shows a pixel of the state colour; returns the icon's centre. */
    private int[] awaitIcon(X11Session x, Process app, int rgb) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        Path probe = dir.resolve("probe.png");
        while (System.nanoTime() < deadline) {
            assertThat(app.isAlive()).as("the app is running; log: %s", log()).isTrue();
            int[] panel = x.trayPanel();
            if (panel != null && panel[2] > 8) {
                x.screenshotRoot(probe);
                BufferedImage img = ImageIO.read(probe.toFile());
                BufferedImage strip = img.getSubimage(panel[0], panel[1], panel[2], panel[3]);
                if (contains(strip, c -> near(c, rgb))) {
                    return new int[] {panel[0] + panel[2] / 2, panel[1] + panel[3] / 2};
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no tray icon of colour " + Integer.toHexString(rgb) + " in trayer's panel; log: " + log());
    }

    private String awaitWindow(X11Session x, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String id = x.window(name);
            if (id != null) {
                Thread.sleep(700); // first paint
                return id;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the window did not open (" + x.describe() + "); log: " + log());
    }

    private void awaitJournal(Path stateHome, String... needles) throws Exception {
        Path journal = stateHome.resolve("xaa4j").resolve("activity.jsonl");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(journal) ? Files.readString(journal) : "";
            if (List.of(needles).stream().allMatch(text::contains)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("activity journal lacks " + List.of(needles) + "; log: " + log());
    }

    private String log() throws Exception {
        Path log = dir.resolve("app.log");
        return Files.exists(log) ? Files.readString(log) : "(none)";
    }

    static boolean contains(BufferedImage img, IntPredicate pixel) {
        for (int y = 0; y < img.getHeight(); y++) {
            for (int xx = 0; xx < img.getWidth(); xx++) {
                if (pixel.test(img.getRGB(xx, y) & 0xffffff)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean near(int c, int rgb) {
        return Math.abs(((c >> 16) & 255) - ((rgb >> 16) & 255)) < 24 && Math.abs(((c >> 8) & 255) - ((rgb >> 8) & 255)) < 24
                && Math.abs((c & 255) - (rgb & 255)) < 24;
    }

    static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int xx = 0; xx < img.getWidth(); xx += 2) {
                seen.add(img.getRGB(xx, y) & 0xffffff);
            }
        }
        return seen.size();
    }
}
