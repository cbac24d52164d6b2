package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.desktop.AttentionNotices.Notice;
import dev.xaa4j.desktop.DesktopModel.ServerRow;
import dev.xaa4j.desktop.DesktopModel.View;
import dev.xaa4j.desktop.ServerOrder.Sort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tray with 50 servers, without a display: search by name and address, "needs you first" order, and one
 * notification for a burst of changes a person must act on (revoked, sign-in needed, a server added elsewhere),
 * both with the window run by hand and through the real {@link DesktopModel} and a real scheduler.
 */
@Timeout(60)
class ManyServersTest {

    @TempDir
    Path dir;
    /** The gathering windows opened, run by hand (no waiting), and the notifications shown. */
    final List<Runnable> timers = new ArrayList<>();
    final List<Notice> shown = new ArrayList<>();
    final AttentionNotices notices = new AttentionNotices(Duration.ofSeconds(3), (d, task) -> timers.add(task), shown::add);

    static String name(int i) {
        return String.format("srv%02d", i);
    }

    static ServerStatus status(String server, ServerState state, ConnectorException.Kind kind) {
        return new ServerStatus(server, state, state == ServerState.READY ? Optional.of(Instant.now().plusSeconds(600)) : Optional.empty(),
                Set.of("read"), kind == null ? Optional.empty() : Optional.of("refused"), Optional.ofNullable(kind),
                Optional.empty(), AuthMode.EMA, Optional.of("test"));
    }

    /** 50 company sign-in servers, all working, except the given states. */
    static List<ServerRow> rows(Map<String, ServerState> except) {
        List<ServerRow> out = new ArrayList<>();
        for (int i = 49; i >= 0; i--) { // configuration order is not the table's order
            String n = name(i);
            ServerState s = except.getOrDefault(n, ServerState.READY);
            ConnectorException.Kind kind = s == ServerState.DENIED ? ConnectorException.Kind.ACCESS_DENIED
                    : s == ServerState.SIGN_IN_REQUIRED ? ConnectorException.Kind.SIGN_IN_REQUIRED : null;
            var entry = new ServerEntry("https://mcp" + i % 5 + ".example.com/" + n + "/mcp",
                    null, List.of(), null, "ema", null, null, null);
            out.add(ServerRows.build(n, entry, status(n, s, kind), true, true, false).row());
        }
        return out;
    }

    static ServerRow renamed(ServerRow r, String name) {
        return new ServerRow(name, r.url(), r.state(), r.stateText(), r.scopes(), r.expiresAt(), r.lastError(), r.flow(),
                r.flowText(), r.action());
    }

    static View view(List<ServerRow> rows) {
        return new View(Instant.now(), null, DesktopModel.SignInPhase.IDLE, rows, List.of(), DesktopModel.TrayState.SIGNED_IN,
                Optional.empty(), "");
    }

    @Test
    void searchFiltersByNameOrAddressAndNeedsYouFirstPutsRevokedThenSignInThenUnreachable() {
        List<ServerRow> rows = rows(Map.of("srv30", ServerState.DENIED, "srv07", ServerState.SIGN_IN_REQUIRED,
                "srv02", ServerState.FAILED, "srv41", ServerState.DENIED));
        List<ServerRow> sorted = ServerOrder.arrange(rows, "", Sort.NEEDS_YOU_FIRST);
        assertThat(sorted).hasSize(50);
        assertThat(sorted.subList(0, 5).stream().map(ServerRow::name))
                .containsExactly("srv30", "srv41", "srv07", "srv02", "srv00");
        assertThat(sorted.get(0).stateText()).isEqualTo("Access revoked");
        assertThat(sorted.subList(4, 50).stream().map(ServerRow::name)).isSorted();
        assertThat(ServerOrder.arrange(rows, null, Sort.NAME).stream().map(ServerRow::name)).isSorted().hasSize(50);

        assertThat(ServerOrder.arrange(rows, "SRV4", Sort.NAME).stream().map(ServerRow::name))
                .containsExactly("srv40", "srv41", "srv42", "srv43", "srv44", "srv45", "srv46", "srv47", "srv48", "srv49");
        assertThat(ServerOrder.arrange(rows, "mcp3.example", Sort.NAME)).as("by address").hasSize(10)
                .allMatch(r -> r.url().contains("mcp3.example.com"));
        assertThat(ServerOrder.arrange(rows, " mcp3  srv1 ", Sort.NAME).stream().map(ServerRow::name))
                .as("every word, in name or address").containsExactly("srv13", "srv18");
        assertThat(ServerOrder.arrange(rows, "nothing-like-this", Sort.NAME)).isEmpty();
        assertThat(rows.get(0).name()).as("the input is left alone").isEqualTo("srv49");
    }

    @Test
    void theTrayMenuListsTenServersNeedsYouFirstAndCountsTheRest() {
        List<String> lines = TrayController.menuLines(view(rows(Map.of("srv30", ServerState.DENIED,
                "srv07", ServerState.SIGN_IN_REQUIRED))));
        assertThat(lines).hasSize(11);
        assertThat(lines.subList(0, 3)).containsExactly("srv30: Access revoked", "srv07: Sign-in needed", "srv00: Working");
        assertThat(lines.get(10)).isEqualTo("and 40 more servers (Open)");
        assertThat(TrayController.menuLines(view(rows(Map.of()).subList(0, 2)))).hasSize(2);
    }

    @Test
    void aBurstOfChangesAcrossManyViewsIsOneNotificationNamingTwoAndCountingTheRest() {
        notices.observe(view(rows(Map.of())));
        notices.observe(view(rows(Map.of())));
        assertThat(timers).as("50 working servers: nothing to say").isEmpty();

        Map<String, ServerState> changed = new LinkedHashMap<>();
        changed.put("srv12", ServerState.DENIED);
        notices.observe(view(rows(changed)));
        changed.put("srv03", ServerState.SIGN_IN_REQUIRED);
        notices.observe(view(rows(changed)));
        changed.put("srv44", ServerState.SIGN_IN_REQUIRED);
        changed.put("srv20", ServerState.FAILED); // not reachable: retried by itself, nothing for the person
        notices.observe(view(rows(changed)));
        List<ServerRow> withNew = new ArrayList<>(rows(changed));
        withNew.add(renamed(rows(Map.of()).get(0), "added"));
        notices.observe(view(withNew)); // a server added elsewhere (xaa server add, the organization)
        assertThat(timers).as("one window for the whole burst").hasSize(1);
        assertThat(shown).as("nothing before the window closes").isEmpty();

        timers.remove(0).run();
        assertThat(shown).hasSize(1);
        assertThat(shown.get(0).servers()).containsExactly("srv03", "srv12", "srv44", "added");
        assertThat(shown.get(0).title()).isEqualTo("4 servers need you");
        assertThat(shown.get(0).text()).isEqualTo("4 servers need you: srv03, srv12 and 2 more. Open xaa4j to see what to do.");

        notices.observe(view(withNew));
        notices.observe(view(withNew));
        assertThat(timers).as("the same states again are not news").isEmpty();
    }

    @Test
    void aServerFineAgainBeforeTheWindowClosesOrAddedInThisWindowIsNotMentioned() {
        notices.observe(view(rows(Map.of())));
        notices.observe(view(rows(Map.of("srv05", ServerState.SIGN_IN_REQUIRED, "srv06", ServerState.DENIED))));
        notices.observe(view(rows(Map.of("srv06", ServerState.DENIED)))); // srv05 signed in again meanwhile
        List<ServerRow> withNew = new ArrayList<>(rows(Map.of("srv06", ServerState.DENIED)));
        withNew.add(renamed(rows(Map.of()).get(0), "mine"));
        notices.observe(view(withNew));
        notices.addedHere("mine"); // the window's Add said so just after the view showed it
        timers.remove(0).run();
        assertThat(shown).singleElement().satisfies(n -> {
            assertThat(n.servers()).containsExactly("srv06");
            assertThat(n.text()).isEqualTo("srv06 needs you: Access revoked. Open xaa4j to see what to do.");
        });

        notices.observe(view(rows(Map.of("srv06", ServerState.DENIED, "srv07", ServerState.DENIED))));
        notices.observe(view(rows(Map.of("srv07", ServerState.DENIED))));
        notices.observe(view(rows(Map.of())));
        timers.remove(0).run();
        assertThat(shown).as("all fine again before the window closed: nothing to say").hasSize(1);
    }

    @Test
    void throughTheModelFiftyServersRevokedAtOnceAreOneNotificationAndALaterChangeIsTheNext() throws Exception {
        StringBuilder json = new StringBuilder("{\"servers\":{");
        FakeTokenSource engine = new FakeTokenSource();
        engine.user = Optional.of("alice");
        for (int i = 0; i < 50; i++) {
            json.append(i == 0 ? "" : ",").append('"').append(name(i)).append("\":{\"url\":\"http://127.0.0.1:9/")
                    .append(name(i)).append("/mcp\",\"auth\":\"ema\"}");
            engine.servers.put(name(i), status(name(i), ServerState.READY, null));
        }
        Path config = dir.resolve("config.json");
        Files.writeString(config, json.append("}}").toString());
        List<Notice> notified = new CopyOnWriteArrayList<>();
        List<View> views = new CopyOnWriteArrayList<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        AttentionNotices gathered = new AttentionNotices(Duration.ofMillis(300),
                (d, task) -> timer.schedule(task, d.toMillis(), TimeUnit.MILLISECONDS), notified::add);
        try (FakeDesktop desktop = FakeDesktop.model(dir, config, engine, v -> {
            views.add(v);
            gathered.observe(v);
        }, Duration.ofMillis(20))) {
            fiftyServersRefusedThenOne(engine, views, notified);
        } finally {
            timer.shutdownNow();
        }
    }

    private static void fiftyServersRefusedThenOne(FakeTokenSource engine, List<View> views, List<Notice> shown) {
        Awaitility.await("50 working rows").atMost(Duration.ofSeconds(20))
                .until(() -> !views.isEmpty() && views.get(views.size() - 1).servers().stream()
                        .filter(r -> r.state() == ServerState.READY).count() == 50);

        // access to 20 servers is revoked; the polls see the refusals as they come
        IntStream.range(10, 30).forEach(i -> engine.servers.put(name(i),
                status(name(i), ServerState.DENIED, ConnectorException.Kind.ACCESS_DENIED)));
        Awaitility.await("one notification").atMost(Duration.ofSeconds(20)).until(() -> !shown.isEmpty());
        assertThat(shown).singleElement().satisfies(n -> {
            assertThat(n.title()).isEqualTo("20 servers need you");
            assertThat(n.text()).startsWith("20 servers need you: srv10, srv11 and 18 more.");
        });

        engine.servers.put(name(40), status(name(40), ServerState.SIGN_IN_REQUIRED, ConnectorException.Kind.SIGN_IN_REQUIRED));
        Awaitility.await("the next one").atMost(Duration.ofSeconds(20)).until(() -> shown.size() >= 2);
        assertThat(shown).hasSize(2);
        assertThat(shown.get(1).servers()).as("only what changed since").containsExactly("srv40");
        assertThat(shown.get(1).text()).isEqualTo("srv40 needs you: Sign-in needed. Open xaa4j to see what to do.");
    }

    @Test
    void aServerThePolicyAddedWhileRunningIsOneOrganizationNoticeEvenWhenItsRowComesInALaterView() {
        List<ServerRow> before = rows(Map.of());
        notices.observe(view(before));
        notices.addedByOrganization(List.of("wiki")); // SessionHost.Applied.managedAdded, before the view shows it
        notices.observe(view(before)); // a view of the old configuration still
        List<ServerRow> after = new ArrayList<>(before);
        after.add(renamed(before.get(0), "wiki"));
        notices.observe(view(after));
        timers.forEach(Runnable::run);
        assertThat(shown).singleElement().satisfies(n -> {
            assertThat(n.servers()).containsExactly("wiki");
            assertThat(n.text()).contains(AttentionNotices.ORGANIZATION);
        });
    }

    @Test
    void fiftyServersWaitingForTheirOwnSignInAreFiveMenuItemsAndOneForTheRest() {
        List<String> pending = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            pending.add(name(i));
        }
        List<String> items = TrayController.signInItems(pending);
        assertThat(items).hasSize(TrayController.MENU_SIGN_INS + 1);
        assertThat(items.get(0)).contains("srv00");
        assertThat(items.get(items.size() - 1)).isEqualTo("Open to sign in to 45 more");
        assertThat(TrayController.signInItems(pending.subList(0, 2))).hasSize(2);
    }
}
