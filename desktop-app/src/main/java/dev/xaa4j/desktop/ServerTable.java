package dev.xaa4j.desktop;

import dev.xaa4j.desktop.DesktopModel.ServerRow;
import dev.xaa4j.desktop.ServerOrder.Sort;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * The window's servers table for many servers: a search field over name and address (Alt+F; Down moves into the
 * table, Escape clears it), the order ({@link ServerOrder}: needs you first, or by name; Alt+B), "12 of 50
 * servers", and a selection that stays on the same server while rows update and move, and comes back to it when a
 * search that hid it is cleared (the rows are replaced, never the person's choice). FX thread only.
 */
final class ServerTable {

    private final TableView<ServerRow> table = new TableView<>();
    private final ObservableList<ServerRow> rows = FXCollections.observableArrayList();
    private final TextField search = new TextField();
    private final ChoiceBox<Sort> sort = new ChoiceBox<>(FXCollections.observableArrayList(Sort.values()));
    private final Label count = new Label();
    private final Label placeholder = new Label();
    private final ObjectProperty<Instant> now = new SimpleObjectProperty<>(Instant.now());
    private List<ServerRow> all = List.of();
    /** The server the person selected last, even while a search hides it; null when they cleared it. */
    private String chosen;
    private boolean replacing;
    /** Where a server came from ("Your organization", "You"), by name: {@link #origins}. */
    private java.util.function.Function<String, String> origin = name -> "";

    /** @param runAction the per-server sign-in / sign-out button of a row was pressed */
    ServerTable(Consumer<ServerRow> runAction) {
        table.setId("servers");
        table.setItems(rows);
        table.setAccessibleText("MCP servers and their state");
        table.getSelectionModel().setSelectionMode(SelectionMode.SINGLE);
        table.setPlaceholder(placeholder);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(ServerControls.column("Name", 7, ServerRow::name));
        table.getColumns().add(ServerControls.column("Address", 17, ServerRow::url));
        table.getColumns().add(ServerControls.column("From", 9, r -> origin.apply(r.name())));
        table.getColumns().add(ServerControls.column("Flow", 11, ServerRow::flowText));
        table.getColumns().add(ServerControls.column("State", 10, ServerRow::stateText));
        table.getColumns().add(ServerControls.actionColumn("Sign-in", 11, runAction));
        table.getColumns().add(ServerControls.column("Scopes", 12, r -> String.join(" ", r.scopes())));
        // the countdown follows `now` (set from each view), so rows need not be replaced every second
        table.getColumns().add(ServerControls.observableColumn("Expires", 6, r -> Bindings.createStringBinding(() -> r.expiresAt()
                .map(t -> PlainLanguage.countdown(Duration.between(now.get(), t))).orElse("—"), now)));
        table.getColumns().add(ServerControls.column("Problem", 20, ServerRow::lastError));
        table.getColumns().forEach(c -> c.setSortable(false)); // the order is the "Sort by" choice's
        table.setRowFactory(tv -> new TableRow<>() {
            @Override
            protected void updateItem(ServerRow item, boolean empty) {
                super.updateItem(item, empty);
                setAccessibleText(item == null || empty ? null : item.name() + ": " + item.stateText()
                        + (item.lastError().isEmpty() ? "" : ". " + item.lastError()));
            }
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (!replacing) {
                chosen = b == null ? null : b.name();
            }
        });
        // arriving by keyboard selects the first row, so the row actions apply at once
        table.focusedProperty().addListener((o, was, focused) -> {
            if (focused && table.getSelectionModel().isEmpty() && !rows.isEmpty()) {
                table.getSelectionModel().select(0);
                table.getFocusModel().focus(0);
            }
        });
        search.setId("serverSearch");
        search.setPromptText("name or address");
        search.setAccessibleText("Find servers by name or address");
        search.textProperty().addListener((o, a, b) -> show());
        search.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.DOWN && !rows.isEmpty()) {
                table.requestFocus();
                e.consume();
            } else if (e.getCode() == KeyCode.ESCAPE && !search.getText().isEmpty()) {
                search.clear();
                e.consume(); // a running sign-in's Escape only when there is nothing to clear
            }
        });
        sort.setId("serverSort");
        sort.setAccessibleText("Order of the servers");
        sort.setConverter(new StringConverter<>() {
            @Override
            public String toString(Sort s) {
                return s == null ? "" : s.words;
            }

            @Override
            public Sort fromString(String s) {
                return sort.getItems().stream().filter(x -> x.words.equals(s)).findFirst().orElse(Sort.NEEDS_YOU_FIRST);
            }
        });
        sort.setValue(Sort.NEEDS_YOU_FIRST);
        sort.valueProperty().addListener((o, a, b) -> show());
        count.setId("serverCount");
    }

    /** The table with its title, search field, order choice and count. */
    Parent node() {
        Label title = new Label("S_ervers");
        title.setMnemonicParsing(true);
        title.setLabelFor(table);
        title.setStyle("-fx-font-weight: bold;");
        Label find = new Label("_Find:");
        find.setMnemonicParsing(true);
        find.setLabelFor(search);
        Label by = new Label("Sort _by:");
        by.setMnemonicParsing(true);
        by.setLabelFor(sort);
        HBox.setHgrow(search, Priority.ALWAYS);
        HBox bar = new HBox(8, title, find, search, by, sort, count);
        bar.setAlignment(Pos.CENTER_LEFT);
        VBox.setVgrow(table, Priority.ALWAYS);
        VBox box = new VBox(6, bar, table);
        VBox.setVgrow(box, Priority.ALWAYS);
        return box;
    }

    TableView<ServerRow> table() {
        return table;
    }

    /** Shows a view's rows (searched and ordered) at {@code at}, the countdown's instant. */
    void render(List<ServerRow> servers, Instant at) {
        all = servers;
        now.set(at);
        show();
    }

    /** Where each server came from (the "From" column), by name. */
    void origins(java.util.function.Function<String, String> byName) {
        origin = byName;
        table.refresh();
    }

    Optional<ServerRow> selected() {
        return Optional.ofNullable(table.getSelectionModel().getSelectedItem());
    }

    void applyTextScale(double scale) {
        table.setMinHeight(8 * 13 * scale); // the header and about three rows, whatever else the window shows
        for (var c : table.getColumns()) {
            c.setPrefWidth((Double) c.getUserData() * 13 * scale);
        }
    }

    private void show() {
        List<ServerRow> shown = ServerOrder.arrange(all, search.getText(), sort.getValue());
        count.setText(shown.size() == all.size() ? all.size() + (all.size() == 1 ? " server" : " servers")
                : shown.size() + " of " + all.size() + " servers");
        placeholder.setText(all.isEmpty() ? "No servers yet: add one by its address below."
                : "No server matches \"" + search.getText().strip() + "\".");
        if (rows.equals(shown)) {
            return;
        }
        replacing = true;
        try {
            rows.setAll(shown);
            for (int i = 0; chosen != null && i < rows.size(); i++) {
                if (rows.get(i).name().equals(chosen)) {
                    table.getSelectionModel().select(i);
                    table.getFocusModel().focus(i);
                }
            }
        } finally {
            replacing = false;
        }
    }
}
