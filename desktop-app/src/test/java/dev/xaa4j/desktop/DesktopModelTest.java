package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.SampleIssuerFixture;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.SignOutResult;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.desktop.DesktopModel.ServerRow;
import dev.xaa4j.desktop.DesktopModel.TrayState;
import dev.xaa4j.desktop.DesktopModel.View;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The view-model without JavaFX, against the real sample issuer. */
@Tag("slow")
class DesktopModelTest extends DesktopIssuerPerClass {

    @TempDir
    Path dir;
    final AtomicReference<View> last = new AtomicReference<>();
    DesktopModel model;
    TraySession engine;

    @AfterEach
    void close() {
        if (model != null) {
            model.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    void open(Path config, TraySession.Options options) {
        engine = new TraySession(dev.xaa4j.connector.testing.TestConfigStores.of(config, Map.of()), options);
        model = new DesktopModel(engine, last::set, Clock.systemUTC(), Duration.ofSeconds(2));
        model.start(Duration.ofMillis(200));
    }

    View await(String what, Predicate<View> condition) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50)).until(last::get, v -> v != null && condition.test(v));
    }

    static ServerRow row(View v, String name) {
        return v.servers().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void signInShowsTheUserAndEveryServerWorkingWithItsScopesThenARevocationReadsAsAccessRevoked() throws Exception {
        open(DesktopFixture.writeConfig(dir, issuer, List.of("notes", "tickets")), DesktopFixture.engine(dir, "alice", null));
        View before = await("signed-out view", v -> v.servers().size() == 2);
        assertThat(before.tray()).isEqualTo(TrayState.SIGNED_OUT);
        assertThat(before.account().signedIn()).isFalse();

        model.signIn();
        View in = await("both servers working", v -> v.account().signedIn()
                && v.servers().stream().allMatch(r -> r.state() == ServerState.READY));
        assertThat(in.account().user()).as("the name from the ID token, not its sub").contains("Alice Anders");
        assertThat(in.account().sessionExpiresAt()).isPresent();
        assertThat(in.tray()).isEqualTo(TrayState.SIGNED_IN);
        assertThat(row(in, "notes").scopes()).containsExactlyInAnyOrder("notes.read", "notes.write");
        assertThat(row(in, "tickets").scopes()).containsExactlyInAnyOrder("tickets.read", "tickets.write");
        assertThat(row(in, "notes").stateText()).isEqualTo("Working");
        assertThat(row(in, "notes").expiresAt()).isPresent();
        assertThat(in.activity()).anyMatch(a -> a.text().startsWith("Signed in as Alice Anders"));
        assertThat(in.activity()).anyMatch(a -> a.text().startsWith("notes: access granted (notes.read notes.write)"));

        assertThat(DesktopFixture.revoke(issuer, "alice", "tickets")).isEqualTo(200);
        try {
            View revoked = await("tickets revoked", v -> row(v, "tickets").state() == ServerState.DENIED);
            assertThat(row(revoked, "tickets").stateText()).isEqualTo("Access revoked");
            assertThat(row(revoked, "tickets").lastError()).contains("Your access to \"tickets\" was revoked")
                    .contains("Ask your IT administrator");
            assertThat(revoked.problem()).hasValueSatisfying(p -> assertThat(p.what()).contains("tickets"));
            assertThat(revoked.tray()).isEqualTo(TrayState.ATTENTION);
            assertThat(row(revoked, "notes").state()).isEqualTo(ServerState.READY);
            assertThat(revoked.activity()).anyMatch(a -> a.text().startsWith("tickets: access refused"));
            // no token bytes anywhere in what the UI shows
            assertThat(revoked.toString()).doesNotContain("eyJ");
        } finally {
            dev.xaa4j.sample.SampleIssuers.admin(issuer, "restore", "alice", "tickets");
        }

        model.signOut();
        View out = await("signed out, and the IdP told", v -> !v.account().signedIn()
                && v.activity().stream().anyMatch(a -> a.text().equals("Signed out (the IdP ended the session)")));
        assertThat(out.problem()).as("no warning when the IdP revoked the session").isEmpty();
        assertThat(out.tray()).isEqualTo(TrayState.SIGNED_OUT);
        assertThat(out.servers()).allMatch(r -> r.stateText().equals("Signed out"));
    }

    @Test
    void signInToThePlainOAuthWikiOpensTheBrowserFromTheTrayAndSignOutOfWikiKeepsTheCompanySignIn() throws Exception {
        Path config = DesktopFixture.writeConfig(dir, issuer, List.of("notes"));
        // the sample issuer's plain-OAuth server: its own AS ({asBase}/oauth), dynamic registration, no pre-registered client
        dev.xaa4j.connector.testing.TestConfigStores.of(config, Map.of()).putServer("wiki", new dev.xaa4j.connector.host.config.ServerEntry(
                issuer.server("wiki").toString(), null, List.of(), null));
        open(config, DesktopFixture.engine(dir, "alice", null));
        model.signIn();
        View pending = await("notes working, wiki waiting for its own sign-in", v -> v.account().signedIn()
                && row(v, "notes").state() == ServerState.READY && row(v, "wiki").action() == DesktopModel.ServerAction.SIGN_IN);
        assertThat(row(pending, "notes").flowText()).isEqualTo("Company sign-in");
        assertThat(row(pending, "wiki").flowText()).isEqualTo("Signs in separately");
        assertThat(row(pending, "notes").action()).isEqualTo(DesktopModel.ServerAction.NONE);

        model.signIn("wiki");
        model.signIn("wiki"); // a double click: one browser
        View in = await("wiki working", v -> row(v, "wiki").state() == ServerState.READY
                && row(v, "wiki").action() == DesktopModel.ServerAction.SIGN_OUT);
        assertThat(row(in, "wiki").scopes()).isNotEmpty();
        assertThat(in.activity()).anyMatch(a -> a.text().equals("Signed in to wiki"));
        // the browser script logs its line after the loopback answered, so possibly after the row turned READY
        Awaitility.await("the browser's log").untilAsserted(() -> assertThat(Files.readString(dir.resolve("browser.log"))
                .lines().filter(l -> l.startsWith("200")).count())
                .as("two browser sign-ins: the company's and wiki's (a double click opens one)").isEqualTo(2));

        model.signOut("wiki");
        View out = await("signed out of wiki", v -> row(v, "wiki").action() == DesktopModel.ServerAction.SIGN_IN
                && v.activity().stream().anyMatch(a -> a.text().startsWith("Signed out of wiki")));
        assertThat(out.account().signedIn()).as("the company sign-in stays").isTrue();
        assertThat(row(out, "notes").state()).isEqualTo(ServerState.READY);
        assertThat(out.toString()).doesNotContain("eyJ");
    }

    @Test
    void theViewSaysWhereTheSessionLives() throws Exception {
        open(DesktopFixture.writeConfig(dir, issuer, List.of("notes")), DesktopFixture.engine(dir, "alice", null));
        View v = await("a view", x -> x.servers().size() == 1);
        assertThat(v.account().storage()).isEqualTo(dev.xaa4j.connector.host.config.SessionStorage.MEMORY);
        assertThat(PlainLanguage.storage(v.account().storage())).contains("only in this app's memory", "ends when you quit");
        assertThat(PlainLanguage.storage(dev.xaa4j.connector.host.config.SessionStorage.KEYRING)).contains("keyring");
        try (TraySession keyring = new TraySession(dev.xaa4j.connector.testing.TestConfigStores.of(dir.resolve("other.json"), Map.of()), TraySession.Options.defaults())) {
            assertThat(keyring.sessionStorage()).as("the default").isEqualTo(dev.xaa4j.connector.host.config.SessionStorage.KEYRING);
        }
    }

    @Test
    void aServerNotEnabledForTheUserSaysSoWithTheNextStep() throws Exception {
        open(DesktopFixture.writeConfig(dir, issuer, List.of("notes", "tickets")), DesktopFixture.engine(dir, "bob", null));
        model.signIn();
        View v = await("tickets refused for bob", x -> x.account().signedIn() && row(x, "tickets").state() == ServerState.DENIED
                && row(x, "notes").state() == ServerState.READY);
        assertThat(row(v, "notes").scopes()).containsExactly("notes.read");
        assertThat(row(v, "tickets").stateText()).isIn("No access", "Not enabled for you");
        assertThat(row(v, "tickets").lastError()).contains("IT administrator");
        assertThat(v.tray()).isEqualTo(TrayState.ATTENTION);
    }

    @Test
    void addsAServerByUrlWithDiscoveryFeedbackAndRemovesIt() throws Exception {
        Path config = DesktopFixture.writeConfig(dir, issuer, List.of("notes"));
        open(config, DesktopFixture.engine(dir, "alice", null));
        model.signIn();
        await("notes working", v -> v.account().signedIn() && row(v, "notes").state() == ServerState.READY);

        String name = model.addServer(issuer.server("tickets").toString()).get(30, TimeUnit.SECONDS);
        assertThat(name).isEqualTo("tickets");
        View added = await("tickets working", v -> v.servers().size() == 2 && row(v, "tickets").state() == ServerState.READY);
        assertThat(added.addFeedback()).startsWith("Added \"tickets\": signs in through " + issuer.asIssuer());
        assertThat(Files.readString(config)).contains("\"tickets\"").contains(issuer.server("tickets").toString())
                .as("reuses the client id of the same authorization server").contains("xaa-desktop-mcp");
        assertThat(row(added, "tickets").scopes()).contains("tickets.read");

        assertThat(model.removeServer("tickets").get(30, TimeUnit.SECONDS)).isTrue();
        View removed = await("tickets gone", v -> v.servers().size() == 1);
        assertThat(removed.addFeedback()).isEqualTo("Removed \"tickets\".");
        assertThat(Files.readString(config)).doesNotContain("tickets");
        assertThat(removed.account().signedIn()).as("the session survives the engine rebuild").isTrue();
    }

    @Test
    void addServerStoresTheChosenFlowAndReusesAClientIdOnlyWithinTheSameFlow() throws Exception {
        Path config = DesktopFixture.writeConfig(dir, issuer, List.of("notes"));
        open(config, DesktopFixture.engine(dir, "alice", null));
        await("first view", v -> v.servers().size() == 1);

        assertThat(model.addServer(issuer.server("tickets").toString(), dev.xaa4j.connector.AuthMode.OAUTH)
                .get(30, TimeUnit.SECONDS)).isEqualTo("tickets");
        View added = await("tickets added", v -> v.servers().size() == 2);
        assertThat(added.addFeedback()).startsWith("Added \"tickets\": signs in separately through " + issuer.asIssuer());
        assertThat(row(added, "tickets").flowText()).isEqualTo("Signs in separately");
        var stored = dev.xaa4j.connector.testing.TestConfigStores.of(config, Map.of()).load().servers();
        assertThat(stored.get("tickets").auth()).isEqualTo("oauth");
        assertThat(stored.get("tickets").asClientId()).as("the company sign-in's client is no plain OAuth client").isNull();
        assertThat(stored.get("notes").auth()).as("Automatic is stored as absent").isNull();

        assertThat(model.removeServer("tickets").get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(model.addServer(issuer.server("tickets").toString(), dev.xaa4j.connector.AuthMode.EMA)
                .get(30, TimeUnit.SECONDS)).isEqualTo("tickets");
        stored = dev.xaa4j.connector.testing.TestConfigStores.of(config, Map.of()).load().servers();
        assertThat(stored.get("tickets").auth()).isEqualTo("ema");
        assertThat(stored.get("tickets").asClientId()).isEqualTo(SampleIssuerFixture.AS_CLIENT);
    }

    @Test
    void aUrlThatIsNotAnMcpServerIsRefusedInPlainLanguage() throws Exception {
        open(DesktopFixture.writeConfig(dir, issuer, List.of("notes")), DesktopFixture.engine(dir, "alice", null));
        await("first view", v -> v.servers().size() == 1);
        assertThat(model.addServer("not a url").handle((n, e) -> e).get(30, TimeUnit.SECONDS)).isNotNull();
        View v = await("feedback", x -> x.addFeedback().startsWith("Not added."));
        assertThat(v.addFeedback()).contains("is not a web address");

        assertThat(model.addServer(issuer.idpIssuer() + "/nothing-here").handle((n, e) -> e).get(30, TimeUnit.SECONDS)).isNotNull();
        View v2 = await("feedback", x -> x.addFeedback().startsWith("Not added.") && !x.addFeedback().contains("web address"));
        assertThat(v2.servers()).hasSize(1);
    }

    @Test
    void cancellingASignInStopsWaitingAndSaysSo() throws Exception {
        open(DesktopFixture.writeConfig(dir, issuer, List.of("notes")), DesktopFixture.engine(dir, "alice", "true"));
        await("first view", v -> v.servers().size() == 1);
        model.signIn();
        await("waiting for the browser", v -> v.phase() == DesktopModel.SignInPhase.WAITING_FOR_BROWSER);
        model.cancelSignIn();
        View v = await("cancelled", x -> x.phase() == DesktopModel.SignInPhase.IDLE && x.problem().isPresent());
        assertThat(v.problem().get().text()).isEqualTo("Sign-in was cancelled. Choose Sign in when you are ready.");
        assertThat(v.account().signedIn()).isFalse();
    }

    @Test
    void anUnreachableIdpReadsAsSuchWithTheNextStep() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"idp\":{\"issuer\":\"http://127.0.0.1:9\",\"clientId\":\"x\",\"authMethod\":\"client_secret_basic\"},"
                + "\"servers\":{\"notes\":{\"url\":\"http://127.0.0.1:9/notes/mcp\"}}}");
        open(config, DesktopFixture.engine(dir, "alice", null));
        await("first view", v -> v.servers().size() == 1);
        model.signIn();
        View v = await("failure", x -> x.problem().isPresent() && x.phase() == DesktopModel.SignInPhase.IDLE);
        assertThat(v.problem().get().what()).isEqualTo("Cannot reach your sign-in service (127.0.0.1:9).");
        assertThat(v.problem().get().next()).contains("network or VPN");
    }

    @Test
    void withOnlyAnIdpSignInWorksShowsThePersonByNameAndSaysToAddAServer() throws Exception {
        open(DesktopFixture.writeConfig(dir, issuer, List.of()), DesktopFixture.engine(dir, "alice", null));
        View before = await("the first view", v -> v.problem().isPresent());
        assertThat(before.problem().get().what()).isEqualTo("No MCP servers are set up yet.");

        model.signIn();
        View in = await("signed in without servers", v -> v.account().signedIn());
        assertThat(in.account().user()).as("the ID token's name, not its sub").contains("Alice Anders");
        assertThat(in.tray()).isEqualTo(TrayState.SIGNED_IN);
        assertThat(in.problem().map(PlainLanguage.Problem::next)).contains("Add one below with the address your IT administrator gave you.");
    }

    @Test
    void aSignInAndASignOutByXaaInAnotherProcessShowWithinSeconds() throws Exception {
        Path config = DesktopFixture.writeConfig(dir, issuer, List.of("notes"));
        TraySession.Options options = DesktopFixture.engine(dir, "alice", null);
        open(config, options);
        await("signed-out view", v -> v.servers().size() == 1 && !v.account().signedIn());
        // a bridge asked the tray's engine for a token before anyone signed in: "sign in required" is remembered
        assertThatThrownBy(() -> engine.connector().orElseThrow().token("notes")).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED);

        // `xaa login` in another process: same keyring (store) and state directory, its own connector
        Connector.Builder xaa = SampleIssuerFixture.withTestBrowser(SampleIssuerFixture.connector(issuer.idpIssuer(),
                Map.of("notes", issuer.server("notes")), options.store(), options.stateDir()).journal(false), dir, "alice");
        try (Connector login = xaa.build()) {
            login.signIn().get(90, TimeUnit.SECONDS);
        }
        View in = await("notes working after the sign-in elsewhere", v -> v.account().signedIn()
                && row(v, "notes").state() == ServerState.READY);
        assertThat(in.account().user()).contains("Alice Anders");

        try (Connector logout = xaa.build()) {
            assertThat(logout.signOut().revocation()).isEqualTo(SignOutResult.Revocation.REVOKED);
        }
        View out = await("signed out after the sign-out elsewhere", v -> !v.account().signedIn());
        assertThat(row(out, "notes").stateText()).isEqualTo("Signed out");
        await("the tray dropped its token (session watch)", v -> engine.connector().orElseThrow().cachedToken("notes").isEmpty()
                && v.activity().stream().anyMatch(a -> a.text().startsWith("Signed out")));
    }

    @Test
    void withoutAnIdpTheWindowSaysWhoToAsk() throws Exception {
        open(dir.resolve("missing.json"), DesktopFixture.engine(dir, "alice", null));
        View v = await("first view", x -> x.problem().isPresent());
        assertThat(v.problem().get().what()).contains("does not know your company's sign-in service");
        assertThat(v.tray()).isEqualTo(TrayState.SIGNED_OUT);
    }
}
