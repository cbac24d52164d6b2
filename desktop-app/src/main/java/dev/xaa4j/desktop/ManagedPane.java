package dev.xaa4j.desktop;

import dev.xaa4j.desktop.AiClientOffer.Offer;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.VBox;

/**
 * The window's parts for a managed machine ({@link Managed}, {@link FirstRun}): "Managed by your organization" next
 * to the sign-in service when the policy locks it, the same words under a selected server of the organization's
 * list (whose Remove the window disables), the AI-client offer with one confirm ("Add 2 servers to VS Code and
 * Cursor") and "Not now", and "Add to AI clients…". File work runs on the model's thread. FX thread only.
 */
final class ManagedPane {

    private final Consumer<Runnable> background;
    private final Label idp = new Label(Managed.LABEL);
    private final Label row = new Label();
    private final Label offerText = new Label();
    private final Button confirm = new Button();
    private final Button decline = new Button("Not no_w");
    private final VBox offerBox;
    private final Label result = new Label();
    private final Button onDemand = new Button("Add to AI clients…");
    private Managed managed = Managed.none();
    private FirstRun firstRun;
    private Offer shown;

    /** @param background runs file work off the FX thread (the model's thread) */
    ManagedPane(Consumer<Runnable> background) {
        this.background = background;
        idp.setId("idpManaged");
        idp.setStyle("-fx-font-style: italic;");
        show(idp, false);
        row.setId("serverManaged");
        row.setWrapText(true);
        show(row, false);
        offerText.setId("aiClientOfferText");
        offerText.setWrapText(true);
        confirm.setId("aiClientOfferConfirm");
        confirm.setOnAction(e -> answer(true));
        decline.setId("aiClientOfferDecline");
        decline.setMnemonicParsing(true);
        decline.setOnAction(e -> answer(false));
        FlowPane buttons = new FlowPane(8, 8, confirm, decline);
        buttons.setAlignment(Pos.CENTER_LEFT);
        offerBox = new VBox(6, offerText, buttons);
        offerBox.setId("aiClientOffer");
        offerBox.setStyle("-fx-padding: 0.6em; -fx-background-color: #e6f4ea; -fx-border-color: #9fd3ae;");
        offerBox.setAccessibleHelp("Add your servers to the AI tools on this computer");
        show(offerBox, false);
        result.setId("aiClientResult");
        result.setWrapText(true);
        show(result, false);
        onDemand.setId("addToAiClients");
        onDemand.setAccessibleHelp("Adds the servers to VS Code, Claude Desktop and Cursor where they are installed");
        onDemand.setOnAction(e -> offerOnDemand());
    }

    /** Where accept, decline and "Add to AI clients…" go; until then the button does nothing. */
    void use(FirstRun f) {
        firstRun = f;
    }

    /** "Managed by your organization" for the sign-in service. */
    Label idpLabel() {
        return idp;
    }

    /** The offer and the result of the last answer. */
    Node offer() {
        return new VBox(4, offerBox, result);
    }

    Button onDemandButton() {
        return onDemand;
    }

    /** Why the selected server cannot be removed or changed here. */
    Label rowLabel() {
        return row;
    }

    void render(Managed m) {
        managed = m;
        show(idp, m.idpLocked());
    }

    /** The selected server changed (or none is selected). */
    void selected(Optional<String> server) {
        Optional<String> why = server.flatMap(managed::whyFixed);
        row.setText(why.orElse(""));
        show(row, why.isPresent());
    }

    boolean removable(String server) {
        return managed.removable(server);
    }

    String origin(String server) {
        return managed.origin(server);
    }

    /**
     * Shows {@code o} with its one confirm; a later offer replaces an earlier one still shown, except that "Add to AI
     * clients…" does not replace the first-run (or policy-added) offer: that one is answered first, so its answer is
     * kept and later offers can come ({@link AiClientOffer.Offer#replaces}).
     */
    void showOffer(Offer o) {
        if (!o.replaces(shown)) {
            return;
        }
        shown = o;
        offerText.setText(o.text());
        confirm.setText(o.action());
        confirm.setAccessibleText(o.action());
        show(confirm, !o.clients().isEmpty());
        decline.setText(o.clients().isEmpty() ? "Close" : "Not no_w"); // Alt+W: Alt+N is a row's sign-in
        show(offerBox, true);
        show(result, false);
    }

    /** "Client key…" made a key: the set-up notice is worked out again. */
    void keyCreated() {
        FirstRun f = firstRun;
        if (f != null) {
            f.recheck();
        }
    }

    /** "Add to AI clients…" (the window's button and the tray menu's item). */
    void offerOnDemand() {
        FirstRun f = firstRun;
        if (f != null) {
            background.accept(() -> {
                Offer o = f.onDemand();
                Platform.runLater(() -> showOffer(o));
            });
        }
    }

    private void answer(boolean yes) {
        Offer o = shown;
        FirstRun f = firstRun;
        if (o == null || f == null) {
            return;
        }
        shown = null;
        show(offerBox, false);
        background.accept(() -> {
            String text = yes ? f.accept(o) : null;
            if (!yes) {
                f.decline(o);
            }
            Platform.runLater(() -> {
                result.setText(text == null ? "" : text);
                show(result, text != null);
            });
        });
    }

    private static void show(Node n, boolean visible) {
        n.setVisible(visible);
        n.setManaged(visible);
    }
}
