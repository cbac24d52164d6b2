package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ConnectorException.Kind;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.desktop.DesktopModel.ServerAction;
import dev.xaa4j.desktop.DesktopModel.ServerRow;
import dev.xaa4j.desktop.DesktopModel.TrayState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each server's flow in plain words and which per-server button its row offers: pure functions, no display. */
@Timeout(10)
class ServerFlowTest {

    static final ServerEntry WIKI = new ServerEntry("https://mcp.example/wiki/mcp", null, List.of(), null);

    static ServerStatus status(AuthMode flow, ServerState state, Kind kind, boolean token) {
        return new ServerStatus("wiki", state, token ? Optional.of(Instant.now().plusSeconds(300)) : Optional.empty(),
                Set.of(), Optional.empty(), Optional.ofNullable(kind), Optional.empty(), flow, Optional.empty());
    }

    @Test
    void flowWordsAndAddServerChoices() {
        assertThat(PlainLanguage.flow(AuthMode.EMA)).isEqualTo("Company sign-in");
        assertThat(PlainLanguage.flow(AuthMode.OAUTH)).isEqualTo("Signs in separately");
        assertThat(PlainLanguage.flow(AuthMode.NONE)).isEqualTo("No sign-in needed");
        assertThat(PlainLanguage.flow(AuthMode.AUTO)).as("nothing while undecided").isEmpty();
        assertThat(List.of(AuthMode.AUTO, AuthMode.EMA, AuthMode.OAUTH, AuthMode.NONE)).extracting(PlainLanguage::authChoice)
                .containsExactly("Automatic", "Company sign-in", "Sign in separately", "None");
        // the headless modes (agents without a person) are shown, never offered in "Add server"
        assertThat(PlainLanguage.flow(AuthMode.CLIENT_CREDENTIALS)).isEqualTo("Signs in as this machine");
        assertThat(PlainLanguage.flow(AuthMode.WORKLOAD)).isEqualTo("Signs in as this machine");
        assertThat(PlainLanguage.serverAction(ServerAction.SIGN_IN, "wiki")).isEqualTo("Sign in to wiki");
        assertThat(PlainLanguage.serverAction(ServerAction.SIGN_OUT, "wiki")).isEqualTo("Sign out of wiki");
        assertThat(PlainLanguage.serverAction(ServerAction.NONE, "wiki")).isEmpty();
    }

    @Test
    void theRowShowsTheDecidedFlowElseTheConfiguredOneElseNothing() {
        ServerRow decided = ServerRows.build("wiki", WIKI.withAuth(AuthMode.OAUTH), status(AuthMode.EMA, ServerState.READY, null, true),
                true, false, false).row();
        assertThat(decided.flow()).as("the connector's decision wins").isEqualTo(AuthMode.EMA);
        assertThat(decided.flowText()).isEqualTo("Company sign-in");
        ServerRow configured = ServerRows.build("wiki", WIKI.withAuth(AuthMode.NONE), null, false, false, false).row();
        assertThat(configured.flowText()).isEqualTo("No sign-in needed");
        ServerRow undecided = ServerRows.build("wiki", WIKI, status(AuthMode.AUTO, ServerState.IDLE, null, false), true, false, false).row();
        assertThat(undecided.flowText()).isEmpty();
        ServerRow broken = ServerRows.build("wiki", new ServerEntry(WIKI.url(), null, List.of(), null, "bogus"), null, true, false, false).row();
        assertThat(broken.flow()).as("a word the app does not know reads as undecided").isEqualTo(AuthMode.AUTO);
    }

    /** flow, state, last error kind, holds a token, signing in → the row's button. */
    @ParameterizedTest(name = "{0} {1} {2} token={3} signingIn={4} -> {5}")
    @CsvSource(nullValues = "-", value = {
            "OAUTH, SIGN_IN_REQUIRED, SERVER_SIGN_IN_REQUIRED, false, false, SIGN_IN",
            "AUTO,  SIGN_IN_REQUIRED, SERVER_SIGN_IN_REQUIRED, false, false, SIGN_IN",
            "OAUTH, IDLE,             -,                       false, false, SIGN_IN",
            "OAUTH, SIGN_IN_REQUIRED, SERVER_SIGN_IN_REQUIRED, false, true,  SIGNING_IN",
            "OAUTH, READY,            -,                       true,  false, SIGN_OUT",
            "OAUTH, DEGRADED,         UPSTREAM_UNAVAILABLE,    true,  false, SIGN_OUT",
            "OAUTH, DENIED,           ACCESS_DENIED,           false, false, SIGN_OUT",
            "OAUTH, IDLE,             -,                       true,  false, SIGN_OUT",
            "EMA,   SIGN_IN_REQUIRED, SIGN_IN_REQUIRED,        false, false, NONE",
            "EMA,   READY,            -,                       true,  false, NONE",
            "EMA,   DENIED,           SERVER_NOT_ENABLED,      false, false, NONE",
            "AUTO,  SIGN_IN_REQUIRED, SIGN_IN_REQUIRED,        false, false, NONE",
            "AUTO,  IDLE,             -,                       false, false, NONE",
            "NONE,  READY,            -,                       false, false, NONE",
    })
    void theButtonAppearsOnlyForTheRightState(AuthMode flow, ServerState state, Kind kind, boolean token, boolean signingIn,
                                              ServerAction expected) {
        ServerRow row = ServerRows.build("wiki", WIKI, status(flow, state, kind, token), true, false, signingIn).row();
        assertThat(row.action()).isEqualTo(expected);
    }

    @Test
    void aServerWithItsOwnSignInIsShownWithoutTheCompanySignInAndSaysWhatToDo() {
        ServerRows.Built own = ServerRows.build("wiki", WIKI, FakeTokenSource.needsOwnSignIn("wiki"), false, false, false);
        assertThat(own.row().stateText()).isEqualTo("Needs its own sign-in");
        assertThat(own.row().lastError()).isEqualTo("\"wiki\" needs you to sign in to it. Choose Sign in to wiki.");
        assertThat(own.row().needsAttention()).isTrue();
        ServerRow ema = ServerRows.build("notes", WIKI, status(AuthMode.EMA, ServerState.SIGN_IN_REQUIRED, Kind.SIGN_IN_REQUIRED, false),
                false, false, false).row();
        assertThat(ema.stateText()).as("company servers wait for the company sign-in").isEqualTo("Signed out");
        assertThat(ema.lastError()).isEmpty();
        ServerRow fresh = ServerRows.build("wiki", WIKI.withAuth(AuthMode.OAUTH), null, true, false, false).row();
        assertThat(fresh.stateText()).isEqualTo("Not signed in");
        assertThat(ServerRows.build("wiki", WIKI, FakeTokenSource.needsOwnSignIn("wiki"), false, false, true).row().stateText())
                .isEqualTo("Signing in: finish in your browser");
    }

    @Test
    void theTrayIsGreenForAWorkingPlainServerWithoutCompanySignInAndListsPendingSignIns() {
        Map<String, ServerEntry> servers = new LinkedHashMap<>();
        servers.put("wiki", WIKI);
        servers.put("docs", new ServerEntry("https://mcp.example/docs/mcp", null, List.of(), null, "oauth"));
        XaaConfig cfg = new XaaConfig(null, servers, null);
        var status = new dev.xaa4j.connector.ConnectorStatus(Optional.empty(), Optional.empty(), false,
                Map.of("wiki", FakeTokenSource.working("wiki", AuthMode.OAUTH)));
        ServerRows.Table t = ServerRows.table(cfg, status, true, false, Set.of(), s -> false);
        assertThat(t.tray()).isEqualTo(TrayState.SIGNED_IN);
        assertThat(t.companyNeeded()).isFalse();
        DesktopModel.View v = new DesktopModel.View(Instant.now(), null, DesktopModel.SignInPhase.IDLE, t.rows(), List.of(),
                t.tray(), Optional.empty(), "");
        assertThat(TrayController.pendingSignIns(v)).containsExactly("docs");

        var pending = new dev.xaa4j.connector.ConnectorStatus(Optional.empty(), Optional.empty(), false,
                Map.of("wiki", FakeTokenSource.needsOwnSignIn("wiki")));
        assertThat(ServerRows.table(cfg, pending, true, false, Set.of(), s -> false).tray()).isEqualTo(TrayState.ATTENTION);
        servers.put("notes", WIKI.withAuth(AuthMode.EMA));
        assertThat(ServerRows.table(new XaaConfig(null, servers, null), pending, true, false, Set.of(), s -> false).companyNeeded())
                .as("a company sign-in server without an IdP").isTrue();
    }
}
