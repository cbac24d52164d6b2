package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.desktop.DesktopModel.ServerRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Labeled;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Region;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The window, driven like a person would through TestFX on headless Monocle, against the real sample issuer:
 * sign-in through the (scripted) system browser, the servers table, an admin revocation appearing, add and
 * remove by address, the keyboard, 200 % text and settings surviving a restart.
 */
@Tag("slow")
class DesktopWindowFxTest extends DesktopIssuerPerClass {

    @TempDir
    Path dir;
    final FxRobot robot = new FxRobot();
    DesktopShell shell;
    Stage stage;

    @BeforeAll
    static void registerStage() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void closeWindow() throws Exception {
        if (shell != null) {
            robot.interact(shell::close);
        }
        FxToolkit.cleanupStages();
    }

    void open(Path config, TraySession.Options engine) throws Exception {
        stage = FxToolkit.setupStage(s -> shell = DesktopShell.open(s, DesktopFixture.shellOptions(config, engine, true)));
        WaitForAsyncUtils.waitForFxEvents();
    }

    <T extends Node> T node(String id) {
        return robot.lookup(id).query();
    }

    String text(String id) {
        return onFx(() -> robot.lookup(id).<Labeled>query().getText());
    }

    @SuppressWarnings("unchecked")
    List<ServerRow> rows() {
        return onFx(() -> List.copyOf(((TableView<ServerRow>) node("#servers")).getItems()));
    }

    ServerRow row(String name) {
        return rows().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    /** Texts of the table's visible cells, as rendered. */
    List<String> cellTexts() {
        // read on the FX thread: a pulse may be re-rendering the cells while the test thread looks
        return onFx(() -> robot.lookup("#servers .table-cell").queryAllAs(javafx.scene.control.TableCell.class).stream()
                .map(c -> c.getText() == null ? "" : c.getText()).toList());
    }

    static <T> T onFx(java.util.concurrent.Callable<T> read) {
        try {
            if (javafx.application.Platform.isFxApplicationThread()) {
                return read.call();
            }
            return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("reading the window on the FX thread failed", e);
        }
    }

    static void await(String what, Supplier<Boolean> condition) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> {
                WaitForAsyncUtils.waitForFxEvents();
                return condition.get();
            });
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what, e);
        }
    }

    @Test
    void signInShowsAliceTheServersWithStatesAndScopesAndARevocationInPlainLanguage() throws Exception {
        open(DesktopFixture.writeConfig(dir, issuer, List.of("notes", "tickets")), DesktopFixture.engine(dir, "alice", null));

        assertThat(text("#notice")).as("no tray under headless AWT: the window opens and says why")
                .contains("no graphical desktop for a tray icon");
        assertThat(stage.isShowing()).isTrue();
        await("signed-out rows", () -> rows().size() == 2);
        assertThat(text("#user")).isEqualTo("not signed in");
        assertThat(text("#idp")).isEqualTo(issuer.idpIssuer().toString());
        assertThat(text("#sessionStorage")).as("the memory session is shown").contains("only in this app's memory");

        robot.clickOn("#signIn");
        await("alice signed in with both servers working", () -> text("#user").equals("Alice Anders")
                && rows().stream().allMatch(r -> r.stateText().equals("Working")));
        assertThat(text("#session")).contains("renewed automatically");
        List<String> expected = List.of("notes", "tickets", "Working", "notes.read notes.write", "tickets.read tickets.write",
                issuer.server("notes").toString());
        await("the rendered cells (next pulse)", () -> cellTexts().containsAll(expected));
        assertThat(cellTexts()).containsAll(expected);
        assertThat(cellTexts()).anyMatch(t -> t.matches("\\d+ s"));
        assertThat(robot.lookup("#activity").<ListView<String>>query().getItems())
                .anyMatch(l -> l.contains("Signed in as Alice Anders"))
                .anyMatch(l -> l.contains("notes: access granted (notes.read notes.write)"))
                .noneMatch(l -> l.contains("eyJ"));
        assertThat(node("#problem").isVisible()).isFalse();

        assertThat(DesktopFixture.revoke(issuer, "alice", "tickets")).isEqualTo(200);
        try {
            await("tickets shows access revoked with its explanation", () -> {
                List<String> cells = cellTexts();
                return cells.contains("Access revoked") && cells.stream().anyMatch(t -> t.startsWith("Your access to \"tickets\" was revoked."));
            });
            assertThat(row("tickets").stateText()).isEqualTo("Access revoked");
            assertThat(cellTexts()).anyMatch(t -> t.startsWith("Your access to \"tickets\" was revoked."));
            assertThat(node("#problem").isVisible()).isTrue();
            assertThat(text("#problem")).isEqualTo("Your access to \"tickets\" was revoked. "
                    + "Ask your IT administrator if you still need it; your AI tools cannot use it until then.");
            assertThat(row("notes").stateText()).isEqualTo("Working");
            assertThat(robot.lookup("#activity").<ListView<String>>query().getItems()).anyMatch(l -> l.contains("tickets: access refused"));
        } finally {
            dev.xaa4j.sample.SampleIssuers.admin(issuer, "restore", "alice", "tickets");
        }

        robot.clickOn("#signOut");
        await("signed out", () -> text("#user").equals("not signed in"));
        assertThat(rows()).allMatch(r -> r.stateText().equals("Signed out"));
    }

    @Test
    void addsAServerByAddressWithFeedbackThenCopiesItsVsCodeEntryAndRemovesIt() throws Exception {
        Path config = DesktopFixture.writeConfig(dir, issuer, List.of("notes"));
        open(config, DesktopFixture.engine(dir, "alice", null));
        robot.clickOn("#signIn");
        await("notes working", () -> row("notes") != null && row("notes").stateText().equals("Working"));

        robot.clickOn("#addUrl").write(issuer.server("tickets").toString());
        robot.clickOn("#addServer");
        await("tickets added and working", () -> row("tickets") != null && row("tickets").stateText().equals("Working"));
        assertThat(text("#addFeedback")).startsWith("Added \"tickets\": signs in through " + issuer.asIssuer());
        assertThat(robot.lookup("#addUrl").<TextField>query().getText()).isEmpty();
        assertThat(Files.readString(config)).contains(issuer.server("tickets").toString());

        robot.clickOn(robot.lookup("#servers .table-cell")
                .match((Node n) -> n instanceof Labeled l && "tickets".equals(l.getText())).<Node>query());
        robot.clickOn("#copyVscode");
        assertThat(text("#actionResult")).startsWith("Copied the VS Code entry for \"tickets\"");
        String clip = robot.interact(() -> javafx.scene.input.Clipboard.getSystemClipboard().getString()) == null ? null
                : fxGet(() -> javafx.scene.input.Clipboard.getSystemClipboard().getString());
        if (clip != null) { // Monocle's clipboard is in-process; still check what was put there
            assertThat(clip).contains("\"servers\"").contains("\"tickets\"").contains("\"bridge\"").contains("\"stdio\"")
                    .doesNotContain(dev.xaa4j.connector.SampleIssuerFixture.IDP_SECRET).doesNotContain("eyJ");
        }

        robot.clickOn("#removeServer");
        await("tickets removed", () -> rows().size() == 1);
        assertThat(text("#addFeedback")).isEqualTo("Removed \"tickets\".");
        assertThat(Files.readString(config)).doesNotContain("tickets");
        assertThat(text("#user")).isEqualTo("Alice Anders");
    }

    @Test
    void everythingWorksFromTheKeyboard() throws Exception {
        open(DesktopFixture.writeConfig(dir, issuer, List.of("notes")), DesktopFixture.engine(dir, "alice", "true"));
        await("first rows", () -> rows().size() == 1);

        // Alt+S = Sign in (mnemonic); the browser command does nothing, so it waits; Escape cancels
        robot.press(KeyCode.ALT, KeyCode.S).release(KeyCode.S, KeyCode.ALT);
        await("waiting for the browser", () -> node("#cancelSignIn").isVisible());
        assertThat(text("#signInProgress")).contains("browser");
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        await("cancelled", () -> text("#problem").startsWith("Sign-in was cancelled."));
        assertThat(node("#cancelSignIn").isVisible()).isFalse();

        // Alt+D focuses the address field (labelled mnemonic); Tab moves on to Add
        robot.press(KeyCode.ALT, KeyCode.D).release(KeyCode.D, KeyCode.ALT);
        await("address field focused", () -> node("#addUrl").isFocused());
        robot.write("no address");
        robot.press(KeyCode.TAB).release(KeyCode.TAB);
        assertThat(node("#addAuth").isFocused()).as("the flow choice comes between the address and Add").isTrue();
        robot.press(KeyCode.TAB).release(KeyCode.TAB);
        assertThat(node("#addServer").isFocused()).isTrue();
        robot.press(KeyCode.SPACE).release(KeyCode.SPACE);
        await("feedback", () -> text("#addFeedback").startsWith("Not added."));
        assertThat(text("#addFeedback")).contains("is not a web address");

        // Alt+E focuses the servers table; arrows select, Tab reaches the row actions
        robot.press(KeyCode.ALT, KeyCode.E).release(KeyCode.E, KeyCode.ALT);
        await("table focused", () -> node("#servers").isFocused());
        await("first row selected", () -> robot.lookup("#servers").<TableView<ServerRow>>query().getSelectionModel().getSelectedIndex() == 0);
        robot.press(KeyCode.DOWN).release(KeyCode.DOWN); // one row only: stays on it
        assertThat(robot.lookup("#servers").<TableView<ServerRow>>query().getSelectionModel().getSelectedItem().name()).isEqualTo("notes");
        robot.press(KeyCode.TAB).release(KeyCode.TAB);
        assertThat(node("#copyVscode").isFocused()).isTrue();

        // accessible names for screen readers
        assertThat(node("#servers").getAccessibleText()).isEqualTo("MCP servers and their state");
        assertThat(node("#signIn").getAccessibleHelp()).contains("browser");
        assertThat(node("#addUrl").getAccessibleText()).contains("Address");
    }

    @Test
    void twoHundredPercentTextGrowsTheLayoutAndSettingsSurviveARestart() throws Exception {
        Path config = DesktopFixture.writeConfig(dir, issuer, List.of("notes"));
        open(config, DesktopFixture.engine(dir, "alice", null));
        double normal = robot.lookup("#signIn").<Region>query().getHeight();
        double normalWidth = robot.lookup("#signIn").<Region>query().getWidth();

        robot.interact(() -> {
            robot.lookup("#textScale").<ChoiceBox<Double>>query().setValue(2.0);
            stage.setWidth(1500);
            stage.setHeight(1000);
        });
        WaitForAsyncUtils.waitForFxEvents();
        Button signIn = robot.lookup("#signIn").query();
        assertThat(signIn.getHeight()).as("text at 200 %% makes buttons grow, not clip").isGreaterThan(normal * 1.6);
        assertThat(signIn.getWidth()).isGreaterThan(normalWidth * 1.6);
        assertThat(((Label) node("#user")).getFont().getSize()).isEqualTo(26.0);
        assertThat(signIn.getText()).isEqualTo("_Sign in");
        assertThat(signIn.isNeedsLayout() || signIn.getWidth() >= signIn.prefWidth(-1) - 0.5).as("label not truncated").isTrue();

        robot.interact(shell::close);
        shell = null;
        FxToolkit.cleanupStages();
        Path settings = config.getParent().resolve("desktop.json");
        assertThat(Files.readString(settings)).contains("\"textScale\" : 2.0").contains("\"width\" : 1500.0");

        open(config, DesktopFixture.engine(dir, "alice", null));
        assertThat(robot.lookup("#textScale").<ChoiceBox<Double>>query().getValue()).isEqualTo(2.0);
        assertThat(stage.getWidth()).isEqualTo(1500.0);
        assertThat(stage.getHeight()).isEqualTo(1000.0);
        assertThat(((Label) node("#user")).getFont().getSize()).isEqualTo(26.0);
    }

    @Test
    void startAtLoginIsOfferedByAnInstallationsLauncherOffUntilTickedAndWritesTheAutostartEntry() throws Exception {
        Path config = DesktopFixture.writeConfig(dir, issuer, List.of("notes"));
        open(config, DesktopFixture.engine(dir, "alice", null));
        assertThat(robot.lookup("#startAtLogin").tryQuery()).as("no installed tray launcher, no autostart choice").isEmpty();
        robot.interact(shell::close);
        shell = null;
        FxToolkit.cleanupStages();

        Path entry = Autostart.of(System.getenv(), System.getProperty("os.name"), dev.xaa4j.connector.host.config.ConfigPaths.home()).entry();
        Files.deleteIfExists(entry);
        System.setProperty("xaa.tray.launcher", "/opt/xaa4j/bin/xaa-tray");
        try {
            open(config, DesktopFixture.engine(dir, "alice", null));
            assertThat(robot.lookup("#startAtLogin").<javafx.scene.control.CheckBox>query().isSelected()).isFalse();
            robot.clickOn("#startAtLogin");
            await("the autostart entry", () -> Files.isRegularFile(entry));
            assertThat(Files.readString(entry)).contains("Exec=\"/opt/xaa4j/bin/xaa-tray\"");
            robot.clickOn("#startAtLogin");
            await("the autostart entry removed", () -> !Files.exists(entry));
        } finally {
            System.clearProperty("xaa.tray.launcher");
            Files.deleteIfExists(entry);
        }
    }

    static <T> T fxGet(java.util.concurrent.Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
    }
}
