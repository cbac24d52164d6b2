package dev.xaa4j.desktop;

import java.io.File;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;

/**
 * The settings' "Client key…" button and its small window ({@link ClientKeySettings}): the key's kid, the public
 * JWKS (read-only), "Create key", "Copy" and "Save JWKS…". Never the private key. FX thread.
 */
final class ClientKeyPane {

    private ClientKeyPane() {
    }

    static Button button(ClientKeySettings settings) {
        return button(settings, () -> { });
    }

    /** @param created runs (FX thread) after "Create key" made a key */
    static Button button(ClientKeySettings settings, Runnable created) {
        Button open = new Button("Client _key…");
        open.setId("clientKey");
        open.setMnemonicParsing(true);
        open.setOnAction(e -> show(settings, open, created));
        return open;
    }

    private static void show(ClientKeySettings settings, Button owner, Runnable created) {
        Label text = new Label();
        text.setId("clientKeyText");
        text.setWrapText(true);
        TextArea jwks = new TextArea();
        jwks.setId("clientKeyJwks");
        jwks.setEditable(false);
        jwks.setAccessibleText("Public key set to register");
        Button create = new Button("_Create key");
        create.setId("clientKeyCreate");
        Button copy = new Button("C_opy");
        copy.setId("clientKeyCopy");
        Button save = new Button("_Save JWKS…");
        save.setId("clientKeySave");
        Runnable show = () -> {
            ClientKeySettings.View v;
            try {
                v = settings.view();
            } catch (RuntimeException e) {
                v = new ClientKeySettings.View(java.util.Optional.empty(), java.util.Optional.empty(), "",
                        "The system keyring cannot be read: " + e.getMessage());
            }
            text.setText(v.text());
            jwks.setText(v.jwks());
            create.setDisable(v.hasKey());
            copy.setDisable(!v.hasKey());
            save.setDisable(!v.hasKey());
        };
        create.setOnAction(e -> {
            try {
                settings.create();
            } catch (RuntimeException ex) {
                text.setText("Could not create the key: " + ex.getMessage());
                return;
            }
            show.run();
            created.run();
        });
        copy.setOnAction(e -> {
            ClipboardContent c = new ClipboardContent();
            c.putString(jwks.getText());
            javafx.scene.input.Clipboard.getSystemClipboard().setContent(c);
        });
        Stage stage = new Stage();
        save.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setInitialFileName("jwks.json");
            File f = chooser.showSaveDialog(stage);
            if (f != null) {
                try {
                    settings.saveJwks(f.toPath());
                } catch (Exception ex) {
                    text.setText("Could not save: " + ex.getMessage());
                }
            }
        });
        show.run();
        VBox root = new VBox(8, text, jwks, new HBox(8, create, copy, save));
        root.setPadding(new Insets(12));
        stage.setTitle("Client key");
        if (owner.getScene() != null && owner.getScene().getWindow() != null) {
            stage.initOwner(owner.getScene().getWindow());
        }
        stage.setScene(new Scene(root, 560, 360));
        stage.show();
    }
}
