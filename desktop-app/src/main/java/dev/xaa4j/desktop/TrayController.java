package dev.xaa4j.desktop;

import com.dustinredmond.fxtrayicon.FXTrayIcon;
import dev.xaa4j.desktop.DesktopModel.TrayState;
import dev.xaa4j.desktop.DesktopModel.View;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;
import javafx.scene.control.MenuItem;
import javafx.stage.Stage;

/**
 * The system-tray icon (FXTrayIcon over AWT {@code SystemTray}): its picture shows the state (grey: signed
 * out, green: signed in, orange with "!": needs attention) and its menu has Sign in, Sign out, Open, one line
 * per server with its state (those that need the person first, at most ten: {@link #menuLines}), "Sign in to
 * SERVER" for each server waiting for its own sign-in, "Add to AI clients…" (when the app wired it: {@link
 * #onAddToAiClients}), Quit. The menu is rebuilt only when its text changes.
 */
public final class TrayController {

    private final FXTrayIcon icon;
    private final DesktopModel model;
    private final Runnable open;
    private final Runnable quit;
    private TrayState shownState;
    private List<String> shownMenu = List.of();

    private TrayController(FXTrayIcon icon, DesktopModel model, Runnable open, Runnable quit) {
        this.icon = icon;
        this.model = model;
        this.open = open;
        this.quit = quit;
    }

    /**
     * The tray icon, or why there is none: no AWT (headless), no desktop integration, or no tray host (the
     * usual case on a bare X server or some Wayland desktops).
     */
    public static Result create(Stage stage, DesktopModel model, Runnable open, Runnable quit) {
        String why = unsupportedReason();
        if (why != null) {
            return new Result(Optional.empty(), why);
        }
        try {
            FXTrayIcon icon = new FXTrayIcon(stage, image(TrayState.SIGNED_OUT), 22, 22);
            icon.setApplicationTitle("xaa4j");
            icon.setTrayIconTooltip("xaa4j: signed out");
            TrayController c = new TrayController(icon, model, open, quit);
            icon.setOnAction(e -> open.run());
            c.rebuildMenu(List.of("Signed out"), false);
            icon.show();
            return new Result(Optional.of(c), null);
        } catch (RuntimeException | Error e) {
            return new Result(Optional.empty(), "The system tray refused the icon (" + e + ").");
        }
    }

    /** A tray controller, or the reason there is none. */
    public record Result(Optional<TrayController> tray, String whyNot) {
    }

    static String unsupportedReason() {
        if (java.awt.GraphicsEnvironment.isHeadless()) {
            return "This session has no graphical desktop for a tray icon (java.awt.headless).";
        }
        try {
            if (!FXTrayIcon.isSupported()) {
                return "Your desktop has no system tray (notification area), so xaa4j stays in this window. "
                        + "Closing the window quits the app.";
            }
        } catch (RuntimeException | Error e) {
            return "The system tray is not available (" + e.getMessage() + ").";
        }
        return null;
    }

    /** Follows a view: icon and tooltip by state, menu lines per server. FX thread. */
    public void render(View v) {
        if (v.tray() != shownState) {
            shownState = v.tray();
            icon.setGraphic(image(v.tray()));
            icon.setTrayIconTooltip(switch (v.tray()) {
                case SIGNED_OUT -> "xaa4j: signed out";
                case SIGNED_IN -> "xaa4j: signed in as " + v.account().user().orElse("");
                case ATTENTION -> "xaa4j: needs your attention";
            });
        }
        List<String> lines = menuLines(v);
        List<String> signIns = pendingSignIns(v);
        if (!lines.equals(shownMenu) || !signIns.equals(shownSignIns) || v.account().signedIn() != signedInShown) {
            shownSignIns = signIns;
            rebuildMenu(lines, v.account().signedIn());
        }
    }

    /** At most this many server lines in the menu; the window has the rest. */
    static final int MENU_SERVERS = 10;

    /**
     * The menu's server lines ("notes: Access revoked"): the ones that need the person first (the window's
     * "needs you first" order), at most {@value #MENU_SERVERS}, then "and N more servers" when there are more.
     */
    static List<String> menuLines(View v) {
        if (v.servers().isEmpty()) {
            return List.of("No servers set up");
        }
        List<DesktopModel.ServerRow> rows = ServerOrder.arrange(v.servers(), "", ServerOrder.Sort.NEEDS_YOU_FIRST);
        List<String> lines = new java.util.ArrayList<>(rows.stream().limit(MENU_SERVERS)
                .map(r -> r.name() + ": " + r.stateText()).toList());
        if (rows.size() > MENU_SERVERS) {
            lines.add("and " + (rows.size() - MENU_SERVERS) + " more servers (Open)");
        }
        return List.copyOf(lines);
    }

    /** At most this many "Sign in to SERVER" items; "Open to sign in to N more" stands for the rest. */
    static final int MENU_SIGN_INS = 5;

    /** The servers waiting for their own sign-in ("Sign in to SERVER" items of the menu), all of them. */
    static List<String> pendingSignIns(View v) {
        return v.servers().stream().filter(r -> r.action() == DesktopModel.ServerAction.SIGN_IN).map(DesktopModel.ServerRow::name).toList();
    }

    /** The menu's sign-in items: at most {@value #MENU_SIGN_INS} servers, then how many more the window has. */
    static List<String> signInItems(List<String> pending) {
        List<String> items = new java.util.ArrayList<>(pending.stream().limit(MENU_SIGN_INS)
                .map(s -> PlainLanguage.serverAction(DesktopModel.ServerAction.SIGN_IN, s)).toList());
        if (pending.size() > MENU_SIGN_INS) {
            items.add("Open to sign in to " + (pending.size() - MENU_SIGN_INS) + " more");
        }
        return items;
    }

    private boolean signedInShown;
    private Runnable addToAiClients;

    /** Adds "Add to AI clients…" to the menu, running {@code action} (FX thread). */
    void onAddToAiClients(Runnable action) {
        addToAiClients = action;
        rebuildMenu(shownMenu, signedInShown);
    }
    private List<String> shownSignIns = List.of();

    private void rebuildMenu(List<String> serverLines, boolean signedIn) {
        shownMenu = serverLines;
        signedInShown = signedIn;
        icon.clear();
        MenuItem in = new MenuItem(signedIn ? "Sign in again" : "Sign in");
        in.setOnAction(e -> model.signIn());
        MenuItem out = new MenuItem("Sign out");
        out.setOnAction(e -> model.signOut());
        out.setDisable(!signedIn);
        MenuItem openItem = new MenuItem("Open");
        openItem.setOnAction(e -> open.run());
        icon.addMenuItem(openItem);
        icon.addMenuItem(in);
        icon.addMenuItem(out);
        icon.addSeparator();
        for (String line : serverLines) {
            MenuItem m = new MenuItem(line);
            m.setOnAction(e -> open.run());
            icon.addMenuItem(m);
        }
        List<String> items = signInItems(shownSignIns);
        for (int i = 0; i < items.size(); i++) {
            MenuItem m = new MenuItem(items.get(i));
            String server = i < MENU_SIGN_INS ? shownSignIns.get(i) : null;
            m.setOnAction(e -> {
                if (server != null) {
                    model.signIn(server); // the browser opens from this process
                } else {
                    open.run();
                }
            });
            icon.addMenuItem(m);
        }
        if (addToAiClients != null) {
            MenuItem ai = new MenuItem("Add to AI clients…");
            ai.setOnAction(e -> addToAiClients.run());
            icon.addMenuItem(ai);
        }
        icon.addSeparator();
        MenuItem quitItem = new MenuItem("Quit");
        quitItem.setOnAction(e -> quit.run());
        icon.addMenuItem(quitItem);
    }

    /** A balloon notification (e.g. a bridge needs a sign-in). */
    public void notify(String title, String text) {
        icon.showInfoMessage(title, text);
    }

    public boolean isShowing() {
        return icon.isShowing();
    }

    public void hide() {
        icon.hide();
    }

    /** Draws the icon: a filled circle in the state's colour with a mark, readable at 16–32 px. */
    static BufferedImage image(TrayState state) {
        int s = 64;
        BufferedImage img = new BufferedImage(s, s, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color fill = switch (state) {
            case SIGNED_OUT -> new Color(0x8a8f98);
            case SIGNED_IN -> new Color(0x1f9d55);
            case ATTENTION -> new Color(0xe67e22);
        };
        g.setColor(fill);
        g.fillOval(2, 2, s - 4, s - 4);
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(7f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        switch (state) {
            case SIGNED_IN -> {
                g.drawLine(18, 33, 28, 44);
                g.drawLine(28, 44, 47, 21);
            }
            case ATTENTION -> {
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 44));
                g.drawString("!", 25, 48);
            }
            default -> g.drawLine(20, 32, 44, 32);
        }
        g.dispose();
        return img;
    }
}
