package dev.xaa4j.desktop;

import java.util.Objects;
import javafx.application.Application;
import javafx.stage.Stage;

/**
 * The JavaFX application. Started by {@link DesktopLauncher} (a main class that extends {@code Application}
 * fails on the classpath with "JavaFX runtime components are missing").
 */
public final class DesktopApp extends Application {

    private static volatile DesktopShell.Options options;
    private DesktopShell shell;

    /** Set by the launcher before {@link Application#launch}. */
    static void configure(DesktopShell.Options o) {
        options = Objects.requireNonNull(o);
    }

    @Override
    public void start(Stage stage) {
        shell = DesktopShell.open(stage, options);
    }

    @Override
    public void stop() {
        if (shell != null) {
            shell.quit();
        }
    }
}
