package dev.xaa4j.desktop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
            Process p = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", width + "x" + height + "x24",
                    "-nolisten", "tcp").redirectError(log.toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String number = out.readLine(); // Xvfb writes the display number once it accepts connections
            X11Session x = number == null || number.isBlank() ? null : new X11Session(":" + number.strip(), p, log);
            // a display number is not yet a display a client can open: prove it with a client before handing it out
            if (x != null && x.answers(Duration.ofSeconds(10))) {
                return x;
            }
            last = new IllegalStateException("Xvfb did not give a usable display (attempt " + attempt + "): "
                    + (x == null ? "no display number" : x.describe()));
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        throw last;
    }

    /** True once an X client can open the display and read its root window. */
    private boolean answers(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline && xvfb.isAlive()) {
            if (exec("xwininfo", "-root").code == 0) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
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
        trayer = pb.start(); // stopped in close()
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (trayPanel() == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("trayer did not map its panel");
            }
            Thread.sleep(100);
        }
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
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", argv) + " timed out");
        }
        return new Result(p.exitValue(), out);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (trayer != null) {
            trayer.destroy();
            trayer.waitFor(5, TimeUnit.SECONDS);
        }
        xvfb.destroy();
        if (!xvfb.waitFor(5, TimeUnit.SECONDS)) {
            xvfb.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
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

    static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }
}
