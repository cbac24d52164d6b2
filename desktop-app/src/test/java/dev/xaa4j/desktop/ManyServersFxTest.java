package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.desktop.DesktopModel.ServerRow;
import dev.xaa4j.desktop.ServerOrder.Sort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javafx.scene.Node;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The window with 50 servers, used like a person would (TestFX on headless Monocle, a token source double): the
 * servers that need you on top, Alt+F and typing filters by name or address, Escape clears, Down goes into the
 * table, the "Sort by" choice, and the selection staying on its server while rows change and move or a search hides it.
 */
@Tag("slow")
@Timeout(120)
class ManyServersFxTest extends FakeDesktopFxTest {

    void open() throws Exception {
        StringBuilder json = new StringBuilder("{\"servers\":{");
        engine.user = Optional.of("alice");
        for (int i = 0; i < 50; i++) {
            String n = ManyServersTest.name(i);
            json.append(i == 0 ? "" : ",").append('"').append(n).append("\":{\"url\":\"http://host").append(i % 5)
                    .append(".example.com/").append(n).append("/mcp\",\"auth\":\"ema\"}");
            engine.servers.put(n, ManyServersTest.status(n, ServerState.READY, null));
        }
        engine.servers.put("srv33", ManyServersTest.status("srv33", ServerState.DENIED, ConnectorException.Kind.ACCESS_DENIED));
        Path config = dir.resolve("config.json");
        Files.writeString(config, json.append("}}").toString());
        desktop = FakeDesktop.window(dir, config, engine, Duration.ofMillis(50));
    }

    @SuppressWarnings("unchecked")
    TableView<ServerRow> table() {
        return (TableView<ServerRow>) robot.lookup("#servers").query();
    }

    List<String> shownNames() {
        return onFx(() -> table().getItems().stream().map(ServerRow::name).toList());
    }

    String selectedName() {
        return onFx(() -> Optional.ofNullable(table().getSelectionModel().getSelectedItem()).map(ServerRow::name).orElse(null));
    }

    String count() {
        return onFx(() -> robot.lookup("#serverCount").<Label>query().getText());
    }

    @Test
    void fiftyServersNeedsYouFirstThenSearchByNameOrAddressFromTheKeyboard() throws Exception {
        open();
        await("50 rows, the revoked one on top", () -> shownNames().size() == 50 && shownNames().get(0).equals("srv33"));
        assertThat(count()).isEqualTo("50 servers");
        assertThat(onFx(() -> table().getItems().get(0).stateText())).isEqualTo("No access"); // refused, and never had access in this run
        assertThat(shownNames().subList(1, 50)).isSorted();

        robot.press(KeyCode.ALT, KeyCode.F).release(KeyCode.F, KeyCode.ALT);
        await("the search field focused", () -> robot.lookup("#serverSearch").query().isFocused());
        robot.write("srv4");
        await("ten rows", () -> shownNames().size() == 10);
        assertThat(shownNames()).allMatch(n -> n.startsWith("srv4"));
        assertThat(count()).isEqualTo("10 of 50 servers");
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        await("cleared", () -> shownNames().size() == 50);
        assertThat(onFx(() -> robot.lookup("#serverSearch").<TextField>query().getText())).isEmpty();

        robot.write("host2.example srv1");
        await("by address and name", () -> shownNames().equals(List.of("srv12", "srv17")));
        robot.press(KeyCode.DOWN).release(KeyCode.DOWN);
        await("into the table, first row selected", () -> table().isFocused() && "srv12".equals(selectedName()));
        robot.press(KeyCode.DOWN).release(KeyCode.DOWN);
        await("arrows move", () -> "srv17".equals(selectedName()));

        robot.clickOn("#serverSearch");
        robot.interact(() -> robot.lookup("#serverSearch").<TextField>query().setText("no-such-server"));
        await("nothing matches", () -> shownNames().isEmpty());
        assertThat(count()).isEqualTo("0 of 50 servers");
        assertThat(onFx(() -> ((Labeled) table().getPlaceholder()).getText())).isEqualTo("No server matches \"no-such-server\".");
    }

    @Test
    void theSelectionStaysOnItsServerWhileRowsMoveThroughASearchAndSortByName() throws Exception {
        open();
        await("50 rows", () -> shownNames().size() == 50);
        robot.clickOn(robot.lookup("#servers .table-cell").match((Node n) -> n instanceof Labeled l && "srv05".equals(l.getText())).<Node>query());
        await("srv05 selected", () -> "srv05".equals(selectedName()));
        int before = shownNames().indexOf("srv05");

        // srv40 and srv41 need a sign-in now: they move above srv05, which shifts down
        engine.servers.put("srv40", ManyServersTest.status("srv40", ServerState.SIGN_IN_REQUIRED, ConnectorException.Kind.SIGN_IN_REQUIRED));
        engine.servers.put("srv41", ManyServersTest.status("srv41", ServerState.SIGN_IN_REQUIRED, ConnectorException.Kind.SIGN_IN_REQUIRED));
        await("the rows moved", () -> shownNames().subList(0, 3).equals(List.of("srv33", "srv40", "srv41")));
        assertThat(shownNames().indexOf("srv05")).as("srv05 moved").isNotEqualTo(before);
        assertThat(selectedName()).as("the selection followed its server").isEqualTo("srv05");

        // srv05 itself is revoked: it goes to the top, still selected
        engine.servers.put("srv05", ManyServersTest.status("srv05", ServerState.DENIED, ConnectorException.Kind.ACCESS_DENIED));
        await("srv05 on top", () -> shownNames().subList(0, 3).equals(List.of("srv05", "srv33", "srv40")));
        assertThat(selectedName()).isEqualTo("srv05");

        // a search that hides srv05 and is cleared again: srv05 is selected again
        robot.clickOn("#serverSearch").write("srv4");
        await("srv05 hidden", () -> shownNames().size() == 10 && selectedName() == null);
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        await("srv05 back and selected", () -> shownNames().size() == 50 && "srv05".equals(selectedName()));

        @SuppressWarnings("unchecked")
        ChoiceBox<Sort> sort = (ChoiceBox<Sort>) robot.lookup("#serverSort").query();
        assertThat(onFx(() -> sort.getItems().stream().map(s -> sort.getConverter().toString(s)).toList()))
                .containsExactly("Needs you first", "Name");
        robot.interact(() -> sort.setValue(Sort.NAME));
        await("by name", () -> shownNames().get(0).equals("srv00"));
        assertThat(shownNames()).isSorted();
        assertThat(selectedName()).isEqualTo("srv05");
        screenshot("main-window-50-servers.png"); // checked by eye
    }
}
