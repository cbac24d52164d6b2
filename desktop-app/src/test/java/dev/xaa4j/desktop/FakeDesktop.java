package dev.xaa4j.desktop;

import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.desktop.DesktopModel.View;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.scene.Scene;
import org.awaitility.Awaitility;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A {@link DesktopModel} over a {@link FakeTokenSource} (no network) and a config file, either publishing to a
 * consumer or rendered in a {@link MainWindow} on the TestFX stage; and the FX helpers those tests share. Closing
 * it stops the model and the session.
 */
final class FakeDesktop implements AutoCloseable {

    final TraySession session;
    final DesktopModel model;

    private FakeDesktop(Path dir, Path config, FakeTokenSource engine, Consumer<View> views) throws Exception {
        session = new TraySession(dev.xaa4j.connector.testing.TestConfigStores.of(config, Map.of()), DesktopFixture.engine(dir, "alice", "true"));
        model = new DesktopModel(session, () -> Optional.of(engine), views, Clock.systemUTC(), Duration.ofHours(1));
    }

    /** A started model publishing every view to {@code views} (on the model's thread), polling every {@code poll}. */
    static FakeDesktop model(Path dir, Path config, FakeTokenSource engine, Consumer<View> views, Duration poll) throws Exception {
        FakeDesktop d = new FakeDesktop(dir, config, engine, views);
        d.model.start(poll);
        return d;
    }

    /** The window on the registered TestFX stage (1400×800), rendering a started model. */
    static FakeDesktop window(Path dir, Path config, FakeTokenSource engine, Duration poll) throws Exception {
        MainWindow[] window = new MainWindow[1];
        FakeDesktop d = new FakeDesktop(dir, config, engine, v -> Platform.runLater(() -> window[0].render(v)));
        FxToolkit.setupStage(s -> {
            window[0] = new MainWindow(d.model, AiClients.forCurrentUser(), Settings.defaults(), x -> { });
            window[0].installShortcuts(new Scene(window[0].root(), 1400, 800));
            s.setScene(window[0].root().getScene());
            s.show();
        });
        d.model.start(poll);
        WaitForAsyncUtils.waitForFxEvents();
        return d;
    }

    /** Reads the window on the FX thread. */
    static <T> T onFx(Callable<T> read) {
        try {
            return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("reading the window on the FX thread failed", e);
        }
    }

    /** Waits (at most 30 s) until {@code condition} holds after the FX thread caught up. */
    static void await(String what, Supplier<Boolean> condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            WaitForAsyncUtils.waitForFxEvents();
            return condition.get();
        });
    }

    @Override
    public void close() {
        model.close();
        session.close();
    }
}
