package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.xaa4j.testing.Processes;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A private X display for the tray and screenshot test: {@code Xvfb} on a free display number (chosen by the
 * server itself, {@code -displayfd}) with {@code trayer} as the system-tray host, plus the X tools the test
 * drives it with ({@code xdotool}, {@code xwininfo}, ImageMagick {@code import}). Debian packages:
 * {@code xvfb trayer xdotool x11-utils imagemagick}.
 */
final class X11Session implements AutoCloseable {

    private static final Pattern GEOMETRY = Pattern.compile("(\\d+)x(\\d+)\\+(-?\\d+)\\+(-?\\d+)");

    final String display;
    private final Process xvfb;
    private Process trayer;

    private final Path xvfbLog;

    private X11Session(String display, Process xvfb, Path xvfbLog) {
        this.display = display;
        this.xvfb = xvfb;
        this.xvfbLog = xvfbLog;
    }

    /**
     * Skips the calling test (a JUnit assumption) when {@code -Dxaa4j.desktop.x11=skip} asks to leave the
     * real-display tests out (e.g. on macOS); else fails it unless Xvfb and the X tools are installed.
     */
    static void assumeRequestedAndInstalled() {
        assumeFalse("skip".equals(System.getProperty("xaa4j.desktop.x11")), "skipped on request (-Dxaa4j.desktop.x11=skip)");
        assertThat(missingTools()).as("X11 tools; install the Debian packages xvfb trayer xdotool x11-utils imagemagick"
                + " (./test does), or pass -Dxaa4j.desktop.x11=skip").isEmpty();
    }

    /** Which of the needed programs are missing from the PATH. */
    static List<String> missingTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("Xvfb", "trayer", "xdotool", "xwininfo", "import")) {
            if (!onPath(tool)) {
                missing.add(tool);
            }
        }
        return missing;
    }

    static X11Session start(int width, int height) throws Exception {
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            Path log = Files.createTempFile("xvfb", ".log");
            Process p = Processes.start(new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", width + "x" + height + "x24",
                    "-nolisten", "tcp").redirectError(log.toFile()));
            // Xvfb writes the display number once it accepts connections; read it with a deadline
            CompletableFuture<String> number = CompletableFuture.supplyAsync(() -> {
                try {
                    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
                } catch (IOException e) {
                    return null;
                }
            });
            String n;
            try {
                n = number.get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                n = null;
            }
            X11Session x = n == null || n.isBlank() ? null : new X11Session(":" + n.strip(), p, log);
            // a display number is not yet a display a client can open: prove it with a client before handing it out
            if (x != null && x.answers(Duration.ofSeconds(10))) {
                return x;
            }
            last = new IllegalStateException("Xvfb did not give a usable display (attempt " + attempt + "): "
                    + (x == null ? "no display number" : x.describe()));
            Processes.destroyTree(p);
        }
        throw last;
    }

    /** True once an X client can open the display and read its root window (false if Xvfb exits or time runs out). */
    private boolean answers(Duration within) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(100))
                    .until(() -> !xvfb.isAlive() || exec("xwininfo", "-root").code == 0);
            return xvfb.isAlive();
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** For failure messages: the display, whether its server still runs, and what the server said. */
    String describe() {
        String said;
        try {
            said = Files.readString(xvfbLog).strip();
        } catch (IOException e) {
            said = "(unreadable: " + e.getMessage() + ")";
        }
        return "display " + display + ", Xvfb " + (xvfb.isAlive() ? "running" : "exited " + xvfb.exitValue())
                + (said.isEmpty() ? "" : ", Xvfb said: " + said);
    }

    /** The tray host, top right, 32 px high; its window ("panel") grows to the left with each icon. */
    void startTrayer() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("trayer", "--edge", "top", "--align", "right", "--widthtype", "request",
                "--height", "32", "--transparent", "false")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DISPLAY", display);
        trayer = Processes.start(pb); // stopped in close()
        await("trayer maps its panel (" + describe() + ")").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100)).until(() -> trayPanel() != null);
    }

    /** x, y, width, height of trayer's panel window, or null. */
    int[] trayPanel() throws Exception {
        String tree = run("xwininfo", "-root", "-tree");
        for (String line : tree.split("\n")) {
            if (line.contains("\"panel\": (\"panel\" \"trayer\")")) {
                Matcher m = GEOMETRY.matcher(line);
                if (m.find()) {
                    return new int[] {Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                            Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
                }
            }
        }
        return null;
    }

    /** One root capture and the panel cut from it, with the geometry it was cut by. */
    record PanelShot(int[] panel, BufferedImage pixels) {
    }

    /**
     * Trayer's panel as one capture shows it: the geometry is read before and after the root capture and must be
     * the same and lie inside the capture, else null (the panel was moving, e.g. growing for a new icon; the
     * caller polls again). Geometry and pixels never come from two different moments.
     */
    PanelShot panelShot(Path png) throws Exception {
        int[] before = trayPanel();
        if (before == null) {
            return null;
        }
        screenshotRoot(png);
        int[] after = trayPanel();
        BufferedImage img = ImageIO.read(png.toFile());
        if (!Arrays.equals(before, after) || img == null || before[0] < 0 || before[1] < 0 || before[2] <= 0
                || before[3] <= 0 || before[0] + before[2] > img.getWidth() || before[1] + before[3] > img.getHeight()) {
            return null;
        }
        return new PanelShot(before, img.getSubimage(before[0], before[1], before[2], before[3]));
    }

    /** The first window whose name matches, or null. */
    String window(String nameRegex) throws Exception {
        String ids = runAllowFail("xdotool", "search", "--onlyvisible", "--name", nameRegex);
        return ids.isBlank() ? null : ids.strip().split("\n")[0];
    }

    void click(int x, int y, int button, int repeat) throws Exception {
        run("xdotool", "mousemove", "--sync", String.valueOf(x), String.valueOf(y));
        run("xdotool", "click", "--repeat", String.valueOf(repeat), "--delay", "80", String.valueOf(button));
    }

    void key(String window, String keys) throws Exception {
        run("xdotool", "windowfocus", "--sync", window);
        run("xdotool", "key", "--clearmodifiers", keys);
    }

    void screenshotRoot(Path png) throws Exception {
        Files.createDirectories(png.getParent());
        run("import", "-window", "root", png.toString());
    }

    void screenshotWindow(String window, Path png) throws Exception {
        Files.createDirectories(png.getParent());
        run("import", "-window", window, png.toString());
    }

    Map<String, String> env() {
        return Map.of("DISPLAY", display);
    }

    String run(String... argv) throws Exception {
        Result r = exec(argv);
        if (r.code != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (" + r.code + "): " + r.output);
        }
        return r.output;
    }

    private String runAllowFail(String... argv) throws Exception {
        return exec(argv).output;
    }

    private record Result(int code, String output) {
    }

    private Result exec(String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("DISPLAY", display);
        Processes.Result r = Processes.run(pb, "", Duration.ofSeconds(30));
        return new Result(r.exit(), r.out());
    }

    @Override
    public void close() throws IOException {
        Processes.stop(trayer);
        Processes.stop(xvfb);
        Files.deleteIfExists(xvfbLog);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
