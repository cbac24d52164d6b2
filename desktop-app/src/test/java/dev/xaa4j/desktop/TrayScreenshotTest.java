package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.SampleIssuerFixture;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.testing.TestBrowserScript;
import dev.xaa4j.testing.Processes;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import javax.imageio.ImageIO;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
@Tag("slow")
@Timeout(600)
class TrayScreenshotTest extends DesktopIssuerPerClass {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final int GREY = 0x8a8f98;
    static final int GREEN = 0x1f9d55;
    static final int ORANGE = 0xe67e22;

    @TempDir
    Path dir;
    /** The app under test (a child JVM), stopped with its descendants after each test. */
    private Process app;

    @AfterEach
    void stopApp() {
        Processes.stop(app);
    }

    @Test
    void startsIntoTheTrayThenSignsInShowsTheWindowTheTrayMenuAndARevocation() throws Exception {
        X11Session.assumeRequestedAndInstalled();

        Path stateHome = dir.resolve("state-home");

        try (X11Session x = X11Session.start(1280, 800)) {
            x.startTrayer();
            app = launch(x, "{\"x\":60,\"y\":60,\"width\":1040,\"height\":660,\"textScale\":1.0,\"startInTray\":true}",
                    stateHome);
            try {
                // 1. starts into the tray: a grey icon appears in trayer's panel (AWT adds it ~2.5 s later), no window
                int[] icon = awaitIcon(x, GREY);
                assertThat(x.window("^xaa4j — company")).as("starts hidden in the tray").isNull();
                Path trayOut = SHOTS.resolve("tray-signed-out.png");
                x.screenshotRoot(trayOut);

                // 1b. the app hosts the broker on the xaa agent socket: a bridge asking now learns a sign-in is
                //     needed (typed, no browser), and its report turns into a tray notification
                Path socket = runtimeDir().resolve("broker.sock");
                BrokerClient bridge = awaitBroker(socket);
                assertThatThrownBy(() -> bridge.token("notes")).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED);
                BufferedImage quiet = root(x, dir.resolve("before-notification.png"));
                bridge.signInNeeded("notes");
                // the balloon is drawn: the screen differs from the quiet one (nothing else moves while signed out)
                awaitOrFail("the sign-in notification is shown", () -> differs(root(x, SHOTS.resolve("tray-notification.png")), quiet));

                // 2. double-click opens the window; Alt+S signs in through the (scripted) system browser
                x.click(icon[0], icon[1], 1, 2);
                String window = awaitWindow(x, "^xaa4j — company");
                x.key(window, "alt+s");
                awaitJournal(stateHome, "\"signed_in\"", "\"server\":\"notes\"", "\"server\":\"tickets\"");
                awaitIcon(x, GREEN);
                // the bridge now gets alice's token from the app, with no sign-in of its own
                AccessToken fromApp = bridge.token("notes");
                assertThat(fromApp.scopes()).contains("notes.read");
                assertThat(fromApp.expiresAt()).isAfter(java.time.Instant.now());
                bridge.close();
                Path main = SHOTS.resolve("main-window.png");
                // the table shows both servers once the window is rendered: a capture with many colours
                awaitOrFail("the main window is rendered", () -> distinctColours(window(x, window, main)) > 50);
                BufferedImage mainImg = ImageIO.read(main.toFile());
                assertThat(mainImg.getWidth()).isEqualTo(1040);
                assertThat(mainImg.getHeight()).isBetween(600, 700);
                assertThat(distinctColours(mainImg)).as("a rendered window, not a blank one").isGreaterThan(50);

                // 3. right-click shows the tray menu: Open, Sign in again, Sign out, one line per server, Quit
                x.click(icon[0], icon[1], 3, 1);
                Path screen = SHOTS.resolve("tray-menu-screen.png");
                awaitOrFail("the popup menu is drawn next to the icon",
                        () -> distinctColours(topRight(root(x, screen))) > 10);
                BufferedImage menu = topRight(ImageIO.read(screen.toFile()));
                ImageIO.write(menu, "png", SHOTS.resolve("tray-menu.png").toFile());
                assertThat(distinctColours(menu)).as("the popup menu is drawn next to the icon").isGreaterThan(10);
                x.run("xdotool", "key", "Escape");
                x.click(640, 700, 1, 1); // close the popup if Escape did not (awaitIcon below polls past it)

                // 4. an admin revokes tickets: the next renewal is refused; the icon turns orange ("needs attention")
                assertThat(DesktopFixture.revoke(issuer, "alice", "tickets")).isEqualTo(200);
                try {
                    awaitJournal(stateHome, "\"access_revoked\"");
                    awaitIcon(x, ORANGE);
                    // a picture only (asserted through the icon and the journal): the window renders the same model
                    // update as the icon
                    x.screenshotWindow(window, SHOTS.resolve("main-window-revoked.png"));
                    x.screenshotRoot(SHOTS.resolve("tray-attention.png"));
                } finally {
                    dev.xaa4j.sample.SampleIssuers.admin(issuer, "restore", "alice", "tickets");
                }
                assertThat(Files.readString(stateHome.resolve("xaa4j").resolve("activity.jsonl"))).doesNotContain("eyJ");
            } finally {
                Processes.stop(app);
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
        X11Session.assumeRequestedAndInstalled();
        Path stateHome = dir.resolve("state-home");
        try (X11Session x = X11Session.start(1600, 1040)) {
            // the user chose 200 % text and a large window last time; a tray is wanted but none exists
            app = launch(x, "{\"x\":0,\"y\":0,\"width\":1560,\"height\":1000,\"textScale\":2.0,\"startInTray\":true}",
                    stateHome);
            try {
                String window = awaitWindow(x, "^xaa4j — company");
                x.key(window, "alt+s");
                awaitJournal(stateHome, "\"signed_in\"", "\"server\":\"notes\"", "\"server\":\"tickets\"");
                Path shot = SHOTS.resolve("main-window-no-tray-200.png");
                // rendered at its restored size, with the "no tray" notice: a light-blue band across the top
                awaitOrFail("the window is rendered with the no-tray notice", () -> {
                    BufferedImage w = window(x, window, shot);
                    return w.getWidth() == 1560 && distinctColours(w) > 50
                            && contains(w.getSubimage(0, 0, w.getWidth(), 80), c -> near(c, 0xe8f0fe));
                });
                BufferedImage img = ImageIO.read(shot.toFile());
                assertThat(img.getWidth()).as("the saved window size is restored").isEqualTo(1560);
                assertThat(distinctColours(img)).isGreaterThan(50);
                // the "no tray" notice is a light-blue band across the top of the window
                assertThat(contains(img.getSubimage(0, 0, img.getWidth(), 80), c -> near(c, 0xe8f0fe))).isTrue();
                assertThat(app.isAlive()).as("no tray is not a crash").isTrue();
            } finally {
                Processes.stop(app);
            }
        }
    }

    /**
     * {@code java -cp <test classpath> dev.xaa4j.desktop.DesktopLauncher} with the display, BROWSER and secrets on
     * stdin: notes and tickets configured, {@code desktopJson} as the window state saved last time, and a scripted
     * browser that signs alice in.
     */
    private Process launch(X11Session x, String desktopJson, Path stateHome) throws Exception {
        Path config = DesktopFixture.writeConfig(dir, issuer, List.of("notes", "tickets"));
        Files.writeString(config.getParent().resolve("desktop.json"), desktopJson);
        Path browser = TestBrowserScript.write(dir, "alice", "alice", dir.resolve("browser.log"));
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dprism.order=sw", "-Duser.home=" + System.getProperty("user.home"),
                DesktopLauncher.class.getName(), "--config", config.toString(), "--memory-session", "--client-secrets-stdin"));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dir.resolve("app.log").toFile());
        pb.environment().put("DISPLAY", x.display);
        pb.environment().put("BROWSER", browser.toString());
        pb.environment().put("XDG_STATE_HOME", stateHome.toString());
        pb.environment().put("XDG_CONFIG_HOME", dir.resolve("config-home").toString());
        pb.environment().put("XAA_RUNTIME_DIR", runtimeDir().toString()); // the broker socket, private to this test
        Process p = Processes.start(pb);
        try (OutputStream in = p.getOutputStream()) {
            in.write((SampleIssuerFixture.IDP_CLIENT + "=" + SampleIssuerFixture.IDP_SECRET + "\n"
                    + SampleIssuerFixture.AS_CLIENT + "=" + SampleIssuerFixture.AS_SECRET + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    private BrokerClient awaitBroker(Path socket) throws Exception {
        AtomicReference<BrokerClient> client = new AtomicReference<>();
        awaitOrFail("the app serves the broker on " + socket, () -> {
            try {
                client.set(BrokerClient.connect(socket, Duration.ofSeconds(2)));
                return true;
            } catch (RuntimeException notYet) {
                return false;
            }
        });
        return client.get();
    }

    private Path runtimeDir() throws Exception {
        Path run = dir.resolve("run");
        if (!Files.isDirectory(run)) {
            Files.createDirectories(run, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        }
        return run;
    }

    /**
     * Waits until trayer's panel shows a pixel of the state colour; returns the icon's centre. Panel geometry and
     * pixels come from one capture ({@link X11Session#panelShot}); a capture taken while the panel moves is
     * skipped, not cut.
     */
    private int[] awaitIcon(X11Session x, int rgb) throws Exception {
        Path probe = dir.resolve("probe.png");
        AtomicReference<int[]> centre = new AtomicReference<>();
        awaitOrFail("a tray icon of colour " + Integer.toHexString(rgb) + " in trayer's panel", Duration.ofSeconds(45), () -> {
            X11Session.PanelShot shot = x.panelShot(probe);
            if (shot == null || shot.panel()[2] <= 8 || !contains(shot.pixels(), c -> near(c, rgb))) {
                return false;
            }
            int[] p = shot.panel();
            centre.set(new int[] {p[0] + p[2] / 2, p[1] + p[3] / 2});
            return true;
        });
        return centre.get();
    }

    /** Waits until a window whose name matches is mapped and painted (a capture with more than one colour). */
    private String awaitWindow(X11Session x, String name) throws Exception {
        AtomicReference<String> id = new AtomicReference<>();
        Path probe = dir.resolve("window-probe.png");
        awaitOrFail("the window " + name + " opens (" + x.describe() + ")", () -> {
            id.set(x.window(name));
            return id.get() != null && distinctColours(window(x, id.get(), probe)) > 1;
        });
        return id.get();
    }

    private void awaitJournal(Path stateHome, String... needles) throws Exception {
        Path journal = stateHome.resolve("xaa4j").resolve("activity.jsonl");
        awaitOrFail("the activity journal has " + List.of(needles), () -> {
            String text = Files.exists(journal) ? Files.readString(journal) : "";
            return List.of(needles).stream().allMatch(text::contains);
        });
    }

    private void awaitOrFail(String what, Callable<Boolean> condition) throws Exception {
        awaitOrFail(what, Duration.ofSeconds(60), condition);
    }

    /**
     * Polls {@code condition} until true within {@code within}; fails at once when the app has exited, and with
     * the app's log either way. The one way this test waits.
     */
    private void awaitOrFail(String what, Duration within, Callable<Boolean> condition) throws Exception {
        try {
            await(what).atMost(within).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .failFast("the app exited", () -> app != null && !app.isAlive())
                    .until(condition);
        } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            throw new AssertionError(what + ": " + e.getMessage() + "; log: " + log(), e);
        }
    }

    private static BufferedImage root(X11Session x, Path png) throws Exception {
        x.screenshotRoot(png);
        return ImageIO.read(png.toFile());
    }

    private static BufferedImage window(X11Session x, String window, Path png) throws Exception {
        x.screenshotWindow(window, png);
        return ImageIO.read(png.toFile());
    }

    /** The top-right 420x300 of the screen, where the tray menu opens. */
    private static BufferedImage topRight(BufferedImage full) {
        return full.getSubimage(full.getWidth() - 420, 0, 420, 300);
    }

    private static boolean differs(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return true;
        }
        for (int y = 0; y < a.getHeight(); y += 2) {
            for (int xx = 0; xx < a.getWidth(); xx += 2) {
                if (a.getRGB(xx, y) != b.getRGB(xx, y)) {
                    return true;
                }
            }
        }
        return false;
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
