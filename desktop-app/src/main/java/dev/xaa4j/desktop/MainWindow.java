package dev.xaa4j.desktop;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.desktop.DesktopModel.ServerAction;
import dev.xaa4j.desktop.DesktopModel.ServerRow;
import dev.xaa4j.desktop.DesktopModel.View;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.AccessibleRole;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * The window: the account, the servers table with per-server actions, add-by-address, the activity list. It
 * only renders {@link View}s and forwards clicks to the {@link DesktopModel}; nothing here blocks. Every
 * control has a mnemonic or a labelled mnemonic, an accessible text, and a size in {@code em} (the text-size
 * choice scales the whole window).
 */
public final class MainWindow {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final DesktopModel model;
    private final AiClients aiClients;
    private final BorderPane root = new BorderPane();
    private final Label notice = new Label();
    private final java.util.Map<String, String> notices = new java.util.LinkedHashMap<>();
    private final Label problem = new Label();
    private final Label user = new Label();
    private final Label idp = new Label();
    private final Label session = new Label();
    private final Label storage = new Label();
    private final Button signIn = new Button("_Sign in");
    private final Button signOut = new Button("Sign _out");
    private final Button cancel = new Button("_Cancel sign-in");
    private final ProgressIndicator progress = new ProgressIndicator();
    private final Label progressText = new Label("Finish signing in in your browser window…");
    private final ServerTable servers = new ServerTable(this::runServerAction);
    private final TableView<ServerRow> table = servers.table();
    private java.util.function.Consumer<String> onAdded = name -> { };
    private final Button copyVscode = new Button("Copy _VS Code config");
    private final Button addClaude = new Button("Add to C_laude Desktop");
    private final Button remove = new Button("_Remove server");
    private final Button serverAction = new Button();
    private final ChoiceBox<AuthMode> addAuth = ServerControls.authChoice();
    private final TextField addUrl = new TextField();
    private final Button add = new Button("_Add");
    private final Label feedback = new Label();
    private final Label actionResult = new Label();
    private final ListView<String> activity = new ListView<>();
    private final ChoiceBox<Double> textScale = new ChoiceBox<>(FXCollections.observableArrayList(1.0, 1.5, 2.0));
    private final CheckBox startInTray = new CheckBox("Start in the _tray");
    private final CheckBox startAtLogin = new CheckBox("Start at lo_gin");
    private final ManagedPane managed;

    public MainWindow(DesktopModel model, AiClients aiClients, Settings settings, Consumer<Settings> onSettings) {
        this.model = model;
        this.aiClients = aiClients;
        this.managed = new ManagedPane(model::runInBackground);
        root.setId("root");
        root.setPadding(new Insets(12));
        notice.setId("notice");
        notice.setWrapText(true);
        notice.setMaxWidth(Double.MAX_VALUE);
        notice.setStyle("-fx-padding: 0.5em 1em; -fx-background-color: #e8f0fe;");
        notice.setVisible(false);
        notice.setManaged(false);
        root.setTop(new VBox(8, notice, problemBanner(), accountPane(), managed.offer()));
        Parent serversPane = serversPane();
        VBox.setVgrow(serversPane, Priority.ALWAYS);
        root.setCenter(new VBox(8, serversPane, activityPane())); // when short of room, the activity list gives way
        root.setBottom(settingsPane(settings, onSettings));
        BorderPane.setMargin(root.getCenter(), new Insets(8, 0, 8, 0));
        applyTextScale(settings.textScale());
    }

    public Parent root() {
        return root;
    }

    /** Standing notes about the app itself (why there is no tray icon, who serves the AI tools), by topic. */
    public void setNotice(String topic, String text) {
        if (text == null || text.isBlank()) {
            notices.remove(topic);
        } else {
            notices.put(topic, text);
        }
        notice.setText(String.join("\n", notices.values()));
        notice.setVisible(!notices.isEmpty());
        notice.setManaged(!notices.isEmpty());
    }

    /** What the organization's policy fixes: the labels, the "From" column, which servers Remove applies to. FX thread. */
    void render(Managed m) {
        managed.render(m);
        servers.origins(managed::origin);
        updateRowButtons();
    }

    /** The first run's AI-client offer, with one confirm. FX thread. */
    void showOffer(AiClientOffer.Offer offer) {
        managed.showOffer(offer);
    }

    /** Where the offer's answers and "Add to AI clients…" go. */
    void use(FirstRun firstRun) {
        managed.use(firstRun);
    }

    /** "Add to AI clients…" from the tray menu. FX thread. */
    void offerOnDemand() {
        managed.offerOnDemand();
    }

    /** Copies a view into the controls. FX thread only. */
    public void render(View v) {
        var a = v.account();
        user.setText(a.user().orElse(a.configured() ? "not signed in" : "not set up"));
        idp.setText(a.idp().isEmpty() ? "not configured" : a.idp());
        session.setText(a.sessionExpiresAt().map(t -> TIME.format(t.atZone(ZoneId.systemDefault())) + " (in "
                + PlainLanguage.countdown(Duration.between(v.at(), t)) + ", renewed automatically)").orElse("—"));
        storage.setText(PlainLanguage.storage(a.storage()));
        boolean waiting = v.phase() == DesktopModel.SignInPhase.WAITING_FOR_BROWSER
                || v.servers().stream().anyMatch(r -> r.action() == ServerAction.SIGNING_IN); // Cancel applies to both
        signIn.setDisable(waiting);
        signIn.setText(a.signedIn() ? "_Sign in again" : "_Sign in");
        signOut.setDisable(!a.signedIn() || waiting);
        cancel.setVisible(waiting);
        cancel.setManaged(waiting);
        progress.setVisible(waiting);
        progress.setManaged(waiting);
        progressText.setVisible(waiting);
        progressText.setManaged(waiting);
        problem.setText(v.problem().map(PlainLanguage.Problem::text).orElse(""));
        problem.setVisible(v.problem().isPresent());
        problem.setManaged(v.problem().isPresent());

        servers.render(v.servers(), v.at());
        feedback.setText(v.addFeedback());
        var lines = v.activity().stream().map(x -> TIME.format(x.at().atZone(ZoneId.systemDefault())) + "  " + x.text()).toList();
        if (!lines.equals(activity.getItems())) {
            activity.getItems().setAll(lines);
        }
        updateRowButtons();
    }

    public void applyTextScale(double scale) {
        root.setStyle(String.format(Locale.ROOT, "-fx-font-size: %.1fpx;", 13 * scale));
        servers.applyTextScale(scale);
    }

    private Label problemBanner() {
        problem.setId("problem");
        problem.setWrapText(true);
        problem.setMaxWidth(Double.MAX_VALUE);
        problem.setStyle("-fx-background-color: #fff3cd; -fx-text-fill: #533f03; -fx-padding: 0.6em; "
                + "-fx-border-color: #e0c36b; -fx-border-radius: 0.3em; -fx-background-radius: 0.3em;");
        problem.setAccessibleRole(AccessibleRole.TEXT);
        problem.setAccessibleHelp("What needs your attention, and what to do next");
        problem.setVisible(false);
        problem.setManaged(false);
        return problem;
    }

    private Parent accountPane() {
        GridPane g = new GridPane();
        g.setHgap(12);
        g.setVgap(4);
        user.setId("user");
        idp.setId("idp");
        session.setId("session");
        g.addRow(0, bold("Signed in as"), user);
        g.addRow(1, bold("Sign-in service"), new HBox(8, idp, managed.idpLabel()));
        g.addRow(2, bold("Session until"), session);
        storage.setId("sessionStorage");
        g.addRow(3, bold("Session kept"), storage);
        user.setAccessibleText("Signed in as");
        signIn.setId("signIn");
        signOut.setId("signOut");
        cancel.setId("cancelSignIn");
        signIn.setAccessibleHelp("Opens your browser to sign in to your company account");
        signOut.setAccessibleHelp("Signs out; your AI tools lose access until you sign in again");
        signIn.setOnAction(e -> model.signIn());
        signOut.setOnAction(e -> model.signOut());
        cancel.setOnAction(e -> model.cancelSignIn());
        progress.setPrefSize(20, 20);
        progress.setMaxSize(Region.USE_PREF_SIZE_VALUE, Region.USE_PREF_SIZE_VALUE);
        progressText.setId("signInProgress");
        cancel.setVisible(false);
        cancel.setManaged(false);
        progress.setVisible(false);
        progress.setManaged(false);
        progressText.setVisible(false);
        progressText.setManaged(false);
        FlowPane buttons = new FlowPane(8, 8, signIn, signOut, progress, progressText, cancel);
        buttons.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(8, g, buttons);
        TitledPane pane = new TitledPane("Account", box);
        pane.setCollapsible(false);
        return pane;
    }

    private Parent serversPane() {
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> updateRowButtons());
        copyVscode.setId("copyVscode");
        addClaude.setId("addClaude");
        remove.setId("removeServer");
        copyVscode.setAccessibleHelp("Copies the selected server's VS Code mcp.json entry to the clipboard");
        addClaude.setAccessibleHelp("Adds the selected server to Claude Desktop's configuration");
        copyVscode.setOnAction(e -> selected().ifPresent(r -> {
            ClipboardContent c = new ClipboardContent();
            c.putString(aiClients.vscodeSnippet(r.name()));
            Clipboard.getSystemClipboard().setContent(c);
            actionResult.setText("Copied the VS Code entry for \"" + r.name() + "\". Paste it into your mcp.json."
                    + aiClients.buildDirectoryWarning().map(w -> "\n" + w).orElse(""));
        }));
        addClaude.setOnAction(e -> selected().ifPresent(r -> model.runInBackground(() -> {
            String text;
            try {
                text = aiClients.addToClaude(r.name()) + aiClients.buildDirectoryWarning().map(w -> "\n" + w).orElse("");
            } catch (RuntimeException ex) {
                text = "Could not update Claude Desktop: " + ex.getMessage();
            }
            String t = text;
            javafx.application.Platform.runLater(() -> actionResult.setText(t));
        })));
        remove.setOnAction(e -> selected().ifPresent(r -> model.removeServer(r.name())));
        serverAction.setId("serverAction");
        serverAction.setMnemonicParsing(true);
        serverAction.setOnAction(e -> selected().ifPresent(this::runServerAction));
        serverAction.setVisible(false); // until a row with a per-server sign-in is selected
        serverAction.setManaged(false);
        actionResult.setId("actionResult");
        actionResult.setWrapText(true);
        FlowPane rowActions = new FlowPane(8, 8, serverAction, copyVscode, addClaude, remove, managed.onDemandButton());

        Label addLabel = new Label("A_dd a server by address:");
        addLabel.setMnemonicParsing(true);
        addLabel.setLabelFor(addUrl);
        addUrl.setId("addUrl");
        addUrl.setPromptText("https://mcp.example.com/notes/mcp");
        addUrl.setAccessibleText("Address of the MCP server to add");
        HBox.setHgrow(addUrl, Priority.ALWAYS);
        add.setId("addServer");
        add.setOnAction(e -> submitAdd());
        addUrl.setOnAction(e -> submitAdd());
        feedback.setId("addFeedback");
        feedback.setWrapText(true);
        Label authLabel = new Label("Sign-_in:");
        authLabel.setMnemonicParsing(true);
        authLabel.setLabelFor(addAuth);
        addAuth.setId("addAuth");
        addAuth.setAccessibleText("How the server to add signs in");
        HBox addRow = new HBox(8, addLabel, addUrl, authLabel, addAuth, add);
        addRow.setAlignment(Pos.CENTER_LEFT);
        return new VBox(6, servers.node(), rowActions, managed.rowLabel(), actionResult, addRow, feedback);
    }

    private Parent activityPane() {
        activity.setId("activity");
        activity.setPrefHeight(130);
        activity.setMinHeight(40);
        activity.setAccessibleText("Recent activity");
        Label l = new Label("Activit_y");
        l.setMnemonicParsing(true);
        l.setLabelFor(activity);
        l.setStyle("-fx-font-weight: bold;");
        return new VBox(4, l, activity);
    }

    private Parent settingsPane(Settings settings, Consumer<Settings> onSettings) {
        Label l = new Label("Te_xt size:");
        l.setMnemonicParsing(true);
        l.setLabelFor(textScale);
        textScale.setId("textScale");
        textScale.setConverter(new StringConverter<>() {
            @Override
            public String toString(Double d) {
                return d == null ? "" : Math.round(d * 100) + " %";
            }

            @Override
            public Double fromString(String s) {
                return Double.parseDouble(s.replace("%", "").trim()) / 100;
            }
        });
        textScale.setAccessibleText("Text size");
        textScale.setValue(settings.textScale());
        startInTray.setId("startInTray");
        startInTray.setSelected(settings.startInTray());
        Settings[] current = {settings};
        textScale.valueProperty().addListener((o, a, b) -> {
            if (b != null) {
                applyTextScale(b);
                current[0] = current[0].withTextScale(b);
                onSettings.accept(current[0]);
            }
        });
        startInTray.selectedProperty().addListener((o, a, b) -> {
            current[0] = current[0].withStartInTray(b);
            onSettings.accept(current[0]);
        });
        HBox box = new HBox(8, l, textScale, startInTray);
        startAtLogin().ifPresent(box.getChildren()::add);
        box.getChildren().add(ClientKeyPane.button(ClientKeySettings.inKeyring(), managed::keyCreated));
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    /**
     * "Start at login" ({@link Autostart}, off until ticked), shown when this app was started by an installation's
     * tray launcher (it passes {@code xaa.tray.launcher}) on an XDG desktop; the file is written off the FX thread.
     */
    private java.util.Optional<CheckBox> startAtLogin() {
        String launcher = System.getProperty("xaa.tray.launcher");
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        if (launcher == null || os.startsWith("mac") || os.startsWith("windows")) {
            return java.util.Optional.empty();
        }
        Autostart autostart = Autostart.of(System.getenv(), os, dev.xaa4j.connector.host.config.ConfigPaths.home());
        startAtLogin.setId("startAtLogin");
        startAtLogin.setAccessibleHelp("Starts xaa4j in the tray when you log in");
        startAtLogin.setSelected(autostart.enabled());
        startAtLogin.selectedProperty().addListener((o, a, on) -> model.runInBackground(() -> {
            try {
                if (on) {
                    autostart.enable(java.nio.file.Path.of(launcher));
                } else {
                    autostart.disable();
                }
            } catch (java.io.IOException e) {
                javafx.application.Platform.runLater(() -> actionResult.setText("Could not change start at login: " + e.getMessage()));
            }
        }));
        return java.util.Optional.of(startAtLogin);
    }

    private void submitAdd() {
        String url = addUrl.getText();
        if (url == null || url.isBlank()) {
            feedback.setText("Type or paste the server's address first.");
            return;
        }
        add.setDisable(true);
        model.addServer(url, addAuth.getValue()).whenComplete((name, error) -> javafx.application.Platform.runLater(() -> {
            add.setDisable(false);
            if (error == null) {
                onAdded.accept(name);
                addUrl.clear();
            }
        }));
    }

    private void updateRowButtons() {
        boolean none = table.getSelectionModel().getSelectedItem() == null;
        copyVscode.setDisable(none);
        addClaude.setDisable(none);
        remove.setDisable(none || !managed.removable(selected().get().name())); // the organization's list stays
        managed.selected(selected().map(ServerRow::name));
        // the selected row's "Sign in to SERVER" / "Sign out of SERVER" (Alt+N), for the keyboard
        ServerAction action = none ? ServerAction.NONE : selected().get().action();
        String label = PlainLanguage.serverAction(action, none ? "" : selected().get().name());
        serverAction.setText(label.replaceFirst("^Sign i(n to)", "Sign i_$1").replaceFirst("^Sig(n out)", "Sig_$1"));
        serverAction.setDisable(action == ServerAction.SIGNING_IN);
        serverAction.setVisible(action != ServerAction.NONE);
        serverAction.setManaged(action != ServerAction.NONE);
    }

    private void runServerAction(ServerRow r) {
        if (r.action() == ServerAction.SIGN_IN) {
            model.signIn(r.name());
        } else if (r.action() == ServerAction.SIGN_OUT) {
            model.signOut(r.name());
        }
    }

    private java.util.Optional<ServerRow> selected() {
        return servers.selected();
    }

    /** Receives the name of each server this window's Add stored (FX thread). */
    void onAdded(java.util.function.Consumer<String> listener) {
        onAdded = listener;
    }

    private static Label bold(String text) {
        Label l = new Label(text);
        l.setStyle("-fx-font-weight: bold;");
        return l;
    }

    /** Keeps {@code Region} constants readable above. */
    private static final class Region {
        static final double USE_PREF_SIZE_VALUE = javafx.scene.layout.Region.USE_PREF_SIZE;
    }

    /** Keyboard: Escape cancels a running sign-in. */
    void installShortcuts(javafx.scene.Scene scene) {
        scene.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ESCAPE && cancel.isVisible()) {
                model.cancelSignIn();
            }
        });
    }
}
