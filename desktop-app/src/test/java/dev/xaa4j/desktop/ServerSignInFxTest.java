package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.desktop.DesktopModel.ServerRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The window's per-server sign-in, clicked like a person would (TestFX on headless Monocle), over a token source
 * double: the flow column, "Sign in to wiki" only on the plain-OAuth row, one sign-in for a double click,
 * "Sign out of wiki", the keyboard's Alt+N, and "Add server" storing the chosen flow.
 */
@Tag("slow")
@Timeout(120)
class ServerSignInFxTest extends FakeDesktopFxTest {

    Path config;

    void open() throws Exception {
        config = dir.resolve("config.json");
        Files.writeString(config, "{\"servers\":{\"notes\":{\"url\":\"http://127.0.0.1:9/notes/mcp\",\"auth\":\"ema\"},"
                + "\"wiki\":{\"url\":\"http://127.0.0.1:9/wiki/mcp\",\"auth\":\"oauth\"}}}");
        engine.user = Optional.of("alice");
        engine.servers.put("notes", FakeTokenSource.working("notes", AuthMode.EMA));
        engine.servers.put("wiki", FakeTokenSource.needsOwnSignIn("wiki"));
        desktop = FakeDesktop.window(dir, config, engine, Duration.ofMillis(100));
    }

    @SuppressWarnings("unchecked")
    ServerRow row(String name) {
        return onFx(() -> ((TableView<ServerRow>) robot.lookup("#servers").query()).getItems().stream()
                .filter(r -> r.name().equals(name)).findFirst().orElse(null));
    }

    Optional<Button> button(String id) {
        return onFx(() -> robot.lookup(id).tryQuery().filter(Node::isVisible).map(n -> (Button) n));
    }

    List<String> cellTexts() {
        return onFx(() -> robot.lookup("#servers .table-cell").queryAllAs(javafx.scene.control.TableCell.class).stream()
                .map(c -> c.getText() == null ? "" : c.getText()).toList());
    }

    @Test
    void theFlowShowsAndOnlyThePlainServerOffersItsSignInOneClickOneSignInThenSignOut() throws Exception {
        open();
        await("the wiki button", () -> button("#serverAction-wiki").isPresent());
        assertThat(cellTexts()).contains("Company sign-in", "Signs in separately", "Needs its own sign-in");
        assertThat(button("#serverAction-wiki").get().getText()).isEqualTo("Sign in to wiki");
        assertThat(button("#serverAction-notes")).as("a company sign-in server has no button of its own").isEmpty();
        screenshot("main-window-server-sign-in.png"); // checked by eye, next to TrayScreenshotTest's

        robot.doubleClickOn("#serverAction-wiki");
        await("signing in", () -> button("#serverAction-wiki").map(b -> b.isDisabled()
                && b.getText().equals("Signing in to wiki…")).orElse(false));
        robot.clickOn("#serverAction-wiki"); // disabled now: nothing happens
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> engine.flights.containsKey("wiki"));
        assertThat(engine.serverSignIns).as("a double click is one sign-in").containsExactly("wiki");
        assertThat(button("#cancelSignIn")).as("Cancel applies to a server's sign-in too").isPresent();

        engine.servers.put("wiki", FakeTokenSource.working("wiki", AuthMode.OAUTH));
        engine.signInFlight("wiki").complete(engine.servers.get("wiki"));
        await("signed in to wiki", () -> button("#serverAction-wiki").map(b -> b.getText().equals("Sign out of wiki")).orElse(false));
        assertThat(row("wiki").stateText()).isEqualTo("Working");

        robot.clickOn("#serverAction-wiki");
        await("signed out of wiki", () -> engine.serverSignOuts.size() == 1
                && button("#serverAction-wiki").map(b -> b.getText().equals("Sign in to wiki")).orElse(false));
        assertThat(engine.serverSignOuts).containsExactly("wiki");
        assertThat(engine.companyCalls).as("the company sign-in is left alone").isEmpty();
    }

    @Test
    void theSelectedRowsSignInIsOnTheKeyboardAsAltN() throws Exception {
        open();
        await("rows", () -> row("wiki") != null && row("notes") != null);
        robot.clickOn(robot.lookup("#servers .table-cell").match((Node n) -> n instanceof Labeled l && "notes".equals(l.getText())).<Node>query());
        await("notes selected: no per-server action", () -> button("#serverAction").isEmpty());
        robot.clickOn(robot.lookup("#servers .table-cell").match((Node n) -> n instanceof Labeled l && "wiki".equals(l.getText())).<Node>query());
        await("wiki selected", () -> button("#serverAction").map(b -> b.getText().equals("Sign i_n to wiki")).orElse(false));
        robot.press(KeyCode.ALT, KeyCode.N).release(KeyCode.N, KeyCode.ALT);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> engine.flights.containsKey("wiki"));
        assertThat(engine.serverSignIns).containsExactly("wiki");
    }

    @Test
    void addServerStoresTheChosenFlowDefaultAutomatic() throws Exception {
        open();
        await("rows", () -> row("wiki") != null);
        @SuppressWarnings("unchecked")
        ChoiceBox<AuthMode> auth = (ChoiceBox<AuthMode>) robot.lookup("#addAuth").query();
        assertThat(onFx(auth::getValue)).as("Automatic by default").isEqualTo(AuthMode.AUTO);
        assertThat(onFx(() -> auth.getItems().stream().map(m -> auth.getConverter().toString(m)).toList()))
                .containsExactly("Automatic", "Company sign-in", "Sign in separately", "None");
        robot.interact(() -> auth.setValue(AuthMode.NONE));
        robot.clickOn("#addUrl").write("http://127.0.0.1:9/public/mcp");
        robot.clickOn("#addServer");
        await("added", () -> row("public") != null);
        assertThat(row("public").flowText()).isEqualTo("No sign-in needed");
        assertThat(dev.xaa4j.connector.testing.TestConfigStores.of(config, Map.of()).load().servers().get("public").auth()).isEqualTo("none");
    }
}
