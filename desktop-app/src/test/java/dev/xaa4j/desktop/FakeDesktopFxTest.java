package dev.xaa4j.desktop;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/**
 * The lifecycle of a TestFX test of the window over a {@link FakeTokenSource} ({@link FakeDesktop#window}): the
 * registered stage, a temporary directory, the robot, and the model, session and stages closed after each test.
 */
abstract class FakeDesktopFxTest {

    @TempDir
    Path dir;
    final FxRobot robot = new FxRobot();
    final FakeTokenSource engine = new FakeTokenSource();
    FakeDesktop desktop;

    @BeforeAll
    static void registerStage() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void closeWindow() throws Exception {
        if (desktop != null) {
            desktop.close();
        }
        FxToolkit.cleanupStages();
    }

    <T> T onFx(java.util.concurrent.Callable<T> read) {
        return FakeDesktop.onFx(read);
    }

    void await(String what, Supplier<Boolean> condition) {
        FakeDesktop.await(what, condition);
    }

    /** Writes the window to {@code target/screenshots/NAME} (checked by eye). */
    void screenshot(String name) throws Exception {
        Path file = Path.of("target", "screenshots", name);
        java.nio.file.Files.createDirectories(file.getParent());
        var image = onFx(() -> robot.lookup("#root").query().getScene().snapshot(null));
        javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
    }
}
