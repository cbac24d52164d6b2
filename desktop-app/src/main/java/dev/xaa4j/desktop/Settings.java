package dev.xaa4j.desktop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What the user chose and where the window was, kept in {@code desktop.json} next to the shared
 * {@code config.json} (the per-user config directory). No secret in it. A missing or broken file means defaults.
 *
 * @param x, y, width, height the window's last bounds (NaN: let the system place it)
 * @param textScale           1.0, 1.5 or 2.0: the "Text size" choice (200 % readable)
 * @param startInTray         start hidden in the tray when one exists
 */
public record Settings(double x, double y, double width, double height, double textScale, boolean startInTray) {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static Settings defaults() {
        return new Settings(Double.NaN, Double.NaN, 980, 640, 1.0, true);
    }

    public Settings withBounds(double nx, double ny, double nw, double nh) {
        return new Settings(nx, ny, nw, nh, textScale, startInTray);
    }

    public Settings withTextScale(double scale) {
        return new Settings(x, y, width, height, scale, startInTray);
    }

    public Settings withStartInTray(boolean tray) {
        return new Settings(x, y, width, height, textScale, tray);
    }

    /** {@code desktop.json} beside the config file. */
    public static Path fileBeside(Path configFile) {
        return configFile.toAbsolutePath().getParent().resolve("desktop.json");
    }

    public static Settings load(Path file) {
        Settings d = defaults();
        try {
            if (!Files.exists(file)) {
                return d;
            }
            JsonNode n = MAPPER.readTree(file.toFile());
            double scale = n.path("textScale").asDouble(d.textScale());
            return new Settings(n.path("x").asDouble(Double.NaN), n.path("y").asDouble(Double.NaN),
                    Math.max(400, n.path("width").asDouble(d.width())), Math.max(300, n.path("height").asDouble(d.height())),
                    scale >= 1.0 && scale <= 3.0 ? scale : 1.0, n.path("startInTray").asBoolean(d.startInTray()));
        } catch (IOException | RuntimeException e) {
            return d;
        }
    }

    public void save(Path file) throws IOException {
        var n = MAPPER.createObjectNode();
        if (!Double.isNaN(x) && !Double.isNaN(y)) {
            n.put("x", x);
            n.put("y", y);
        }
        n.put("width", width);
        n.put("height", height);
        n.put("textScale", textScale);
        n.put("startInTray", startInTray);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".desktop-", ".json.tmp");
        Files.write(tmp, MAPPER.writeValueAsBytes(n));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
