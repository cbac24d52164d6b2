package dev.xaa4j.desktop;

import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.ConnectorEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * Wires the app together on a stage: the {@link TraySession} from the shared config file, the {@link DesktopModel},
 * the {@link MainWindow} and, where the desktop has one, the {@link TrayController}. Used by {@link DesktopApp}
 * and directly by the TestFX tests.
 */
public final class DesktopShell {

    /**
     * @param configFile the shared {@code xaa} config file
     * @param session     where the session and secrets live, the browser command
     * @param tray       try the system tray (false: window only)
     * @param pollEvery  status poll period (the countdown's tick)
     * @param keepWarm   how often each server is asked for a token
     * @param broker     the broker socket to serve bridges on (the one {@code xaa agent} uses), or null for none
     */
    public record Options(Path configFile, Map<String, String> env, TraySession.Options session, boolean tray,
                          Duration pollEvery, Duration keepWarm, Path broker) {
    }

    private final Stage stage;
    private final TraySession session;
    /** How long server changes are gathered into one notification ({@link AttentionNotices}). */
    static final Duration NOTICE_WINDOW = Duration.ofSeconds(3);

    private final DesktopModel model;
    private final AttentionNotices notices;
    private final MainWindow window;
    private final FirstRun managedFirstRun;
    private final Path settingsFile;
    private final BrokerHost broker;
    private String noticeText = "";
    private final boolean firstRun;
    private Settings settings;
    private Optional<TrayController> tray = Optional.empty();
    private volatile boolean quitting;
    private final Balloons balloons = new Balloons();

    private DesktopShell(Stage stage, Options options) {
        this.stage = stage;
        this.settingsFile = Settings.fileBeside(options.configFile());
        this.firstRun = !java.nio.file.Files.exists(settingsFile);
        this.settings = Settings.load(settingsFile);
        this.session = new TraySession(new ConfigStore(options.configFile(), options.env()), options.session());
        this.notices = new AttentionNotices(NOTICE_WINDOW, this::later,
                n -> Platform.runLater(() -> notifyOnce(n.title() + "\n" + n.text(), n.title(), n.text()))); // one per burst already
        session.host().onApplied(a -> { // a server the policy added while running (not the first build): one notice
            if (!a.rebuilt()) {
                notices.addedByOrganization(a.managedAdded().stream().filter(n -> !a.removed().contains(n)).toList());
            }
        });
        AiClients aiClients = AiClients.forEnv(options.env());
        this.managedFirstRun = new FirstRun(session, new AiClientOffer(aiClients, AiClientOffer.fileBeside(options.configFile())),
                notices, new FirstRun.Out() {
                    @Override
                    public void managed(Managed m) {
                        Platform.runLater(() -> window.render(m));
                    }

                    @Override
                    public void setUp(Optional<String> problem) {
                        Platform.runLater(() -> window.setNotice("setup", problem.orElse(null)));
                    }

                    @Override
                    public void offer(AiClientOffer.Offer offer) {
                        Platform.runLater(() -> window.showOffer(offer));
                    }
                });
        this.model = new DesktopModel(session, v -> {
            notices.observe(v); // on the model's thread, in view order
            managedFirstRun.observe(v);
            Platform.runLater(() -> render(v));
        }, Clock.systemUTC(), options.keepWarm());
        this.window = new MainWindow(model, aiClients, settings, this::saveSettings);
        window.use(managedFirstRun);
        window.onAdded(notices::addedHere);
        session.addListener(this::notifyIfNeeded);
        this.broker = options.broker() == null ? null : BrokerHost.attach(session, options.broker(),
                n -> {
                    PlainLanguage.Problem p = model.signInNeededBy(n.server());
                    Platform.runLater(() -> signInNotification(p));
                },
                text -> Platform.runLater(() -> window.setNotice("broker", text)));
    }

    /** Runs {@code task} once after {@code delay} on the model's thread (the notifications' gathering window). */
    private void later(Duration delay, Runnable task) {
        model.backgroundExecutor().schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A bridge needs a sign-in (the company's, or a server's own): a tray notification naming the menu item, or
     * without a tray the window comes up.
     */
    private void signInNotification(PlainLanguage.Problem p) {
        if (tray.isPresent()) {
            notifyOnce("Sign-in needed", "Sign-in needed", p.what() + " " + p.next().replaceFirst("\\.$", "") + " from the xaa4j icon.");
        } else {
            openWindow();
        }
    }

    /** Builds everything on {@code stage} and starts the model. FX thread. */
    public static DesktopShell open(Stage stage, Options options) {
        DesktopShell shell = new DesktopShell(stage, options);
        shell.show(options);
        return shell;
    }

    public DesktopModel model() {
        return model;
    }

    public TraySession session() {
        return session;
    }

    public Optional<BrokerHost> broker() {
        return Optional.ofNullable(broker);
    }

    public Optional<TrayController> tray() {
        return tray;
    }

    /** Why there is no tray icon, or empty. */
    public String notice() {
        return noticeText;
    }

    private void show(Options options) {
        Scene scene = new Scene(window.root(), settings.width(), settings.height());
        window.installShortcuts(scene);
        stage.setScene(scene);
        stage.setTitle("xaa4j — company sign-in for your AI tools");
        stage.setMinWidth(420);
        stage.setMinHeight(320);
        if (!Double.isNaN(settings.x()) && !Double.isNaN(settings.y())) {
            stage.setX(settings.x());
            stage.setY(settings.y());
        }
        stage.setOnHiding(e -> saveBounds());

        if (options.tray()) {
            TrayController.Result r = TrayController.create(stage, model, this::openWindow, this::quit);
            tray = r.tray();
            tray.ifPresent(t -> t.onAddToAiClients(() -> {
                openWindow();
                window.offerOnDemand();
            }));
            if (tray.isEmpty()) {
                showNotice(r.whyNot());
            }
        } else {
            showNotice("The tray icon is turned off (--no-tray); this window is the app.");
        }
        if (tray.isPresent()) {
            Platform.setImplicitExit(false);
            stage.setOnCloseRequest(e -> {
                saveBounds();
                // closing the window keeps the app in the tray
            });
            if (!settings.startInTray() || firstRun) {
                stage.show(); // the first time, show where things are; later, start quietly in the tray
            }
        } else {
            stage.setOnCloseRequest(e -> quit());
            stage.show();
        }
        model.start(options.pollEvery());
    }

    private void showNotice(String text) {
        noticeText = text;
        window.setNotice("tray", text);
    }

    private void render(DesktopModel.View v) {
        if (quitting) {
            return;
        }
        window.render(v);
        tray.ifPresent(t -> t.render(v));
    }

    /** A bridge (or the renewal timer) found the session gone: say so in the tray instead of opening a browser. */
    private void notifyIfNeeded(ConnectorEvent event) {
        if (event instanceof ConnectorEvent.SignInRequired) {
            Platform.runLater(() -> tray.ifPresent(t -> notifyOnce("Sign-in needed", "Sign-in needed",
                    "Your AI tools need you to sign in. Choose Sign in from the xaa4j icon.")));
        }
    }

    /** At most one balloon per {@code subject} per half minute ({@link Balloons}): several bridges, one message. FX thread. */
    private void notifyOnce(String subject, String title, String text) {
        if (tray.isPresent() && balloons.admit(subject, System.nanoTime())) {
            tray.get().notify(title, text);
        }
    }

    public void openWindow() {
        Platform.runLater(() -> {
            stage.show();
            stage.toFront();
            stage.requestFocus();
        });
    }

    /** Saves the window's bounds, stops the model and the session, removes the tray icon, exits JavaFX. */
    public void quit() {
        close();
        Platform.exit();
    }

    /** Everything {@link #quit} does except ending JavaFX (tests open several shells in one toolkit). */
    public void close() {
        if (quitting) {
            return;
        }
        quitting = true;
        saveBounds();
        if (broker != null) {
            broker.close();
        }
        model.close();
        session.close();
        tray.ifPresent(TrayController::hide);
    }

    private void saveBounds() {
        if (stage.getScene() != null && stage.getWidth() > 0) {
            saveSettings(settings.withBounds(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight()));
        }
    }

    private synchronized void saveSettings(Settings s) {
        settings = s.withBounds(stage.getWidth() > 0 ? stage.getX() : s.x(), stage.getWidth() > 0 ? stage.getY() : s.y(),
                stage.getWidth() > 0 ? stage.getWidth() : s.width(), stage.getHeight() > 0 ? stage.getHeight() : s.height());
        Settings snapshot = settings;
        if (quitting) {
            write(snapshot); // the model's thread is gone; the app is ending anyway
        } else {
            model.runInBackground(() -> write(snapshot)); // no file I/O on the FX thread
        }
    }

    private void write(Settings s) {
        try {
            s.save(settingsFile);
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(DesktopShell.class).warn("cannot save {}: {}", settingsFile, e.toString());
        }
    }
}
