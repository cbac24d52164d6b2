package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.desktop.DesktopModel.ServerAction;
import dev.xaa4j.desktop.DesktopModel.ServerRow;
import dev.xaa4j.desktop.DesktopModel.View;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Sign in to SERVER" and "Sign out of SERVER" in the view-model, without a display, against a token source double
 * (the engine's per-server sign-in is another part's): one sign-in however often it is asked for, progress, the
 * outcome and failures in plain words, the row following the connector, the company sign-in left alone.
 */
@Timeout(60)
class ServerSignInModelTest {

    @TempDir
    Path dir;
    final AtomicReference<View> last = new AtomicReference<>();
    final FakeTokenSource engine = new FakeTokenSource();
    TraySession session;
    DesktopModel model;

    void open() throws Exception {
        Path config = dir.resolve("config.json");
        // no IdP: a plain-OAuth server works without the company sign-in (the address is never contacted here)
        Files.writeString(config, "{\"servers\":{\"wiki\":{\"url\":\"http://127.0.0.1:9/wiki/mcp\",\"auth\":\"oauth\"}}}");
        session = new TraySession(dev.xaa4j.connector.testing.TestConfigStores.of(config, Map.of()), DesktopFixture.engine(dir, "alice", "true"));
        model = new DesktopModel(session, () -> Optional.of(engine), last::set, Clock.systemUTC(), Duration.ofHours(1));
        engine.servers.put("wiki", FakeTokenSource.needsOwnSignIn("wiki"));
        model.start(Duration.ofMillis(100));
    }

    @AfterEach
    void close() {
        if (model != null) {
            model.close();
        }
        if (session != null) {
            session.close();
        }
    }

    View await(String what, Predicate<View> condition) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(last::get, v -> v != null && condition.test(v));
    }

    static ServerRow wiki(View v) {
        return v.servers().stream().filter(r -> r.name().equals("wiki")).findFirst().orElseThrow();
    }

    @Test
    void oneClickSignsInOnceTheRowFollowsAndSignOutLeavesTheCompanySignInAlone() throws Exception {
        open();
        View before = await("wiki offers its sign-in", v -> !v.servers().isEmpty() && wiki(v).action() == ServerAction.SIGN_IN);
        assertThat(wiki(before).flowText()).isEqualTo("Signs in separately");
        assertThat(wiki(before).stateText()).isEqualTo("Needs its own sign-in");
        assertThat(before.problem()).as("no IdP is fine for a plain-OAuth server")
                .hasValueSatisfying(p -> assertThat(p.text()).isEqualTo("\"wiki\" needs you to sign in to it. Choose Sign in to wiki."));

        model.signIn("wiki");
        model.signIn("wiki"); // a double click
        View running = await("signing in", v -> wiki(v).action() == ServerAction.SIGNING_IN);
        assertThat(wiki(running).stateText()).isEqualTo("Signing in: finish in your browser");
        model.signIn("wiki"); // and a click on the tray's menu item while it runs
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> engine.flights.containsKey("wiki"));
        assertThat(engine.serverSignIns).containsExactly("wiki");

        engine.servers.put("wiki", FakeTokenSource.working("wiki", AuthMode.OAUTH));
        engine.signInFlight("wiki").complete(engine.servers.get("wiki"));
        View in = await("signed in to wiki", v -> wiki(v).action() == ServerAction.SIGN_OUT);
        assertThat(wiki(in).stateText()).isEqualTo("Working");
        assertThat(in.problem()).isEmpty();
        assertThat(in.activity()).anyMatch(a -> a.text().equals("Signed in to wiki"));
        assertThat(in.tray()).isEqualTo(DesktopModel.TrayState.SIGNED_IN);
        assertThat(engine.serverSignIns).as("still exactly one sign-in").containsExactly("wiki");

        model.signOut("wiki");
        View out = await("signed out of wiki", v -> wiki(v).action() == ServerAction.SIGN_IN
                && v.activity().stream().anyMatch(a -> a.text().equals("Signed out of wiki (your company sign-in is unchanged)")));
        assertThat(engine.serverSignOuts).containsExactly("wiki");
        assertThat(engine.companyCalls).as("the company sign-in is left alone").isEmpty();
        assertThat(out.toString()).doesNotContain("eyJ");
    }

    @Test
    void theTrayServesPlainOAuthServersWithoutAnIdp() throws Exception {
        open();
        dev.xaa4j.connector.Connector c = session.reload().orElseThrow(() -> new AssertionError("servers alone are a set-up"));
        assertThat(c.idp()).isNull();
        assertThat(c.servers()).containsOnlyKeys("wiki");
        assertThat(session.connector()).containsSame(c);
    }

    @RepeatedTest(20)
    void clicksFromManyThreadsAtOnceStartOneSignIn() throws Exception {
        open();
        await("wiki offers its sign-in", v -> !v.servers().isEmpty() && wiki(v).action() == ServerAction.SIGN_IN);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> clickers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    model.signIn("wiki");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            clickers.add(t);
        }
        go.countDown();
        for (Thread t : clickers) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> engine.flights.containsKey("wiki"));
        await("signing in", v -> wiki(v).action() == ServerAction.SIGNING_IN);
        assertThat(engine.serverSignIns).containsExactly("wiki");
    }

    @Test
    void aRefusedSignInSaysWhyInPlainWordsAndOffersTheButtonAgain() throws Exception {
        open();
        await("wiki offers its sign-in", v -> !v.servers().isEmpty() && wiki(v).action() == ServerAction.SIGN_IN);
        model.signIn("wiki");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> engine.flights.containsKey("wiki"));
        engine.signInFlight("wiki").completeExceptionally(new ConnectorException(ConnectorException.Kind.CONFIGURATION, "wiki",
                "the protected resource metadata names https://evil.example/wiki/mcp, not this server", null, null));
        View v = await("the failure", x -> x.problem().isPresent() && wiki(x).action() == ServerAction.SIGN_IN);
        assertThat(v.problem().get().what()).isEqualTo("\"wiki\" cannot be signed in to safely: "
                + "the protected resource metadata names https://evil.example/wiki/mcp, not this server");
        assertThat(v.problem().get().next()).isEqualTo("Check the server's address with whoever gave it to you.");
        assertThat(v.activity()).anyMatch(a -> a.text().startsWith("wiki: sign-in did not finish."));

        engine.flights.clear();
        model.signIn("wiki"); // a new sign-in may start after the failed one
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> engine.flights.containsKey("wiki"));
        model.cancelSignIn();
        View cancelled = await("cancelled", x -> x.problem().map(p -> p.what().equals("Sign-in was cancelled.")).orElse(false));
        assertThat(wiki(cancelled).action()).isEqualTo(ServerAction.SIGN_IN);
        assertThat(engine.serverSignIns).containsExactly("wiki", "wiki");
    }

    @RepeatedTest(10)
    void cancelRightAfterTheClickCancelsTheSignInEvenWhileItIsStillStarting() throws Exception {
        open();
        await("wiki offers its sign-in", v -> !v.servers().isEmpty() && wiki(v).action() == ServerAction.SIGN_IN);
        model.signIn("wiki");
        model.cancelSignIn(); // before or after the connector returned its future: either way it ends
        View v = await("cancelled", x -> x.problem().map(p -> p.what().equals("Sign-in was cancelled.")).orElse(false));
        assertThat(engine.signInFlight("wiki").isCancelled()).isTrue();
        assertThat(wiki(v).action()).isEqualTo(ServerAction.SIGN_IN);
    }

    @Test
    void aBridgeAskingForAServerWithItsOwnSignInNamesThatSignIn() throws Exception {
        open();
        await("first view", v -> !v.servers().isEmpty() && wiki(v).action() == ServerAction.SIGN_IN);
        PlainLanguage.Problem p = model.signInNeededBy("wiki");
        assertThat(p.text()).isEqualTo("An AI tool wants to use \"wiki\", which needs you to sign in to it. Choose Sign in to wiki.");
        assertThat(await("shown", v -> v.problem().isPresent() && v.problem().get().equals(p)).activity())
                .anyMatch(a -> a.text().equals("An AI tool asked for \"wiki\" and needs you to sign in to it"));
    }

    @Test
    void addingAServerStoresTheChosenFlow() throws Exception {
        open();
        await("first view", v -> !v.servers().isEmpty());
        // "None" needs no discovery: the address is not contacted
        assertThat(model.addServer("http://127.0.0.1:9/public/mcp", AuthMode.NONE).get(20, TimeUnit.SECONDS)).isEqualTo("public");
        View v = await("added", x -> x.servers().size() == 2);
        assertThat(v.addFeedback()).isEqualTo("Added \"public\": no sign-in needed");
        assertThat(v.servers().get(1).flowText()).isEqualTo("No sign-in needed");
        var stored = dev.xaa4j.connector.testing.TestConfigStores.of(dir.resolve("config.json"), Map.of()).load().servers();
        assertThat(stored.get("public").auth()).isEqualTo("none");
        assertThat(stored.get("wiki").auth()).as("the other entries untouched").isEqualTo("oauth");
    }
}
