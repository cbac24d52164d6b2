package dev.xaa4j.desktop;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.desktop.DesktopModel.ServerAction;
import dev.xaa4j.desktop.DesktopModel.ServerRow;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.Tooltip;
import javafx.util.StringConverter;

/**
 * The flow choice of "Add server" and the columns of the window's servers table: text columns (with the full text as a tooltip when a narrow column
 * cuts it) and the per-server sign-in column, whose button runs "Sign in to SERVER" or "Sign out of SERVER" in one
 * click. Widths are in {@code em} (the column's user data), so the text-size choice scales them. FX thread only.
 */
final class ServerControls {

    private ServerControls() {
    }

    /** Automatic / Company sign-in / Sign in separately / None ({@link PlainLanguage#authChoice}), Automatic chosen. */
    static ChoiceBox<AuthMode> authChoice() {
        ChoiceBox<AuthMode> box = new ChoiceBox<>(FXCollections.observableArrayList( // the headless modes are for agents without a person
                AuthMode.AUTO, AuthMode.EMA, AuthMode.OAUTH, AuthMode.NONE));
        box.setValue(AuthMode.AUTO);
        box.setConverter(new StringConverter<>() {
            @Override
            public String toString(AuthMode m) {
                return m == null ? "" : PlainLanguage.authChoice(m);
            }

            @Override
            public AuthMode fromString(String s) {
                return box.getItems().stream().filter(m -> PlainLanguage.authChoice(m).equals(s)).findFirst().orElse(AuthMode.AUTO);
            }
        });
        return box;
    }

    static TableColumn<ServerRow, String> column(String title, double em, Function<ServerRow, String> value) {
        return observableColumn(title, em, r -> new ReadOnlyStringWrapper(value.apply(r)));
    }

    static TableColumn<ServerRow, String> observableColumn(String title, double em,
                                                           Function<ServerRow, ObservableValue<String>> value) {
        TableColumn<ServerRow, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> value.apply(d.getValue()));
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                // the full text when a narrow column cuts it
                if (empty || item == null || item.isEmpty()) {
                    setTooltip(null);
                } else if (getTooltip() == null) {
                    setTooltip(new Tooltip(item));
                } else {
                    getTooltip().setText(item);
                }
            }
        });
        return sized(c, title, em);
    }

    /**
     * The "Sign-in" column: per row a button worded by {@link PlainLanguage#serverAction} (id
     * {@code serverAction-NAME}), disabled while that sign-in runs, absent for servers without one.
     *
     * @param run receives the row whose button was pressed
     */
    static TableColumn<ServerRow, ServerRow> actionColumn(String title, double em, Consumer<ServerRow> run) {
        TableColumn<ServerRow, ServerRow> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(d.getValue()));
        c.setCellFactory(col -> new TableCell<>() {
            private final Button button = new Button();

            {
                button.setOnAction(e -> {
                    if (getItem() != null) {
                        run.accept(getItem());
                    }
                });
            }

            @Override
            protected void updateItem(ServerRow item, boolean empty) {
                super.updateItem(item, empty);
                setText(null);
                if (empty || item == null || item.action() == ServerAction.NONE) {
                    setGraphic(null);
                    return;
                }
                button.setText(PlainLanguage.serverAction(item.action(), item.name()));
                button.setId("serverAction-" + item.name());
                button.setDisable(item.action() == ServerAction.SIGNING_IN);
                button.setAccessibleHelp(item.action() == ServerAction.SIGN_OUT
                        ? "Ends your sign-in to this server only; your company sign-in stays"
                        : "Opens your browser to sign in to this server");
                setGraphic(button);
            }
        });
        return sized(c, title, em);
    }

    private static <T> TableColumn<ServerRow, T> sized(TableColumn<ServerRow, T> c, String title, double em) {
        c.setUserData(em);
        c.setPrefWidth(em * 13);
        c.setId("col-" + title.toLowerCase(Locale.ROOT).replace(' ', '-'));
        return c;
    }
}
