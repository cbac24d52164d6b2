package dev.xaa4j.desktop;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.internal.DaemonThreads;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorStatus;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.SignOutResult;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.desktop.PlainLanguage.Problem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The window's and the tray's state, in plain Java (testable without JavaFX). Fed by the connector's events
 * and by a status poll, both on background threads; every change ends in one immutable {@link View} handed to
 * the {@code publisher} (the app passes {@code Platform::runLater}, so the FX thread only copies it into
 * controls). Actions ({@link #signIn}, {@link #addServer}...) run on the background executor and never block
 * the caller.
 */
public final class DesktopModel implements AutoCloseable {

    public enum SignInPhase { IDLE, WAITING_FOR_BROWSER }

    /** What the tray icon shows. */
    public enum TrayState { SIGNED_OUT, SIGNED_IN, ATTENTION }

    /**
     * Who is signed in, for people.
     *
     * @param user the signed-in person's display name ({@link ConnectorStatus#displayName()}: the ID token's
     *             {@code name}, {@code preferred_username}, {@code email}, else {@code sub})
     */
    /** @param storage where the session lives (the tray in memory mode is the only place it exists) */
    public record Account(Optional<String> user, String idp, Optional<Instant> sessionExpiresAt, boolean configured,
                          SessionStorage storage) {
        public boolean signedIn() {
            return user.isPresent();
        }
    }

    /** The per-server button of a row ({@link PlainLanguage#serverAction} words it). */
    public enum ServerAction {
        /** Company sign-in or unprotected server: nothing per server. */
        NONE,
        /** A plain-OAuth server without a grant: "Sign in to SERVER" runs {@link #signIn(String)}. */
        SIGN_IN,
        /** That sign-in runs (the browser is open); the button is disabled. */
        SIGNING_IN,
        /** A signed-in plain-OAuth server: "Sign out of SERVER" runs {@link #signOut(String)}. */
        SIGN_OUT
    }

    /**
     * One row of the servers table; {@code stateText}, {@code lastError} and {@code flowText} are for people.
     *
     * @param flow   the flow in use, else the configured one ({@link AuthMode#AUTO}: not decided yet)
     * @param action the per-server sign-in or sign-out the row offers
     */
    public record ServerRow(String name, String url, ServerState state, String stateText, Set<String> scopes,
                            Optional<Instant> expiresAt, String lastError, AuthMode flow, String flowText,
                            ServerAction action) {
        public boolean needsAttention() {
            return state == ServerState.DENIED || state == ServerState.SIGN_IN_REQUIRED || state == ServerState.FAILED;
        }
    }

    public record Activity(Instant at, String text) {
    }

    /** Everything the UI shows, at one instant. */
    public record View(Instant at, Account account, SignInPhase phase, List<ServerRow> servers, List<Activity> activity,
                       TrayState tray, Optional<Problem> problem, String addFeedback) {
    }


    private final TraySession session;
    private final Supplier<Optional<? extends TokenSource>> source;
    private final ServerSignIns serverSignIns;
    private final ServerList serverList;
    private final Consumer<View> publisher;
    private final Clock clock;
    private final ScheduledExecutorService background;
    private final Duration keepWarmEvery;
    private final ActivityLog activity = new ActivityLog();
    private final Set<String> hadAccess = new HashSet<>();
    private SignInPhase phase = SignInPhase.IDLE;
    private CompletableFuture<?> signInFlight;
    private boolean cancelRequested;
    private Problem actionProblem;
    private String addFeedback = "";
    private ConnectorStatus lastStatus;
    private long lastWarm;

    /**
     * @param publisher     receives every new {@link View}; the app wraps it in {@code Platform.runLater}
     * @param keepWarmEvery how often servers are asked for a token so their state stays current (the
     *                      connector renews only servers in use)
     */
    public DesktopModel(TraySession session, Consumer<View> publisher, Clock clock, Duration keepWarmEvery) {
        this(session, session::connector, publisher, clock, keepWarmEvery);
    }

    /** @param source the token source whose status is shown and whose sign-ins run (tests plug doubles in here) */
    DesktopModel(TraySession session, Supplier<Optional<? extends TokenSource>> source, Consumer<View> publisher,
                 Clock clock, Duration keepWarmEvery) {
        this.session = session;
        this.source = source;
        this.publisher = publisher;
        this.clock = clock;
        this.keepWarmEvery = keepWarmEvery;
        this.background = Executors.newSingleThreadScheduledExecutor(r -> DaemonThreads.newThread(r, "xaa-desktop-model"));
        this.serverSignIns = new ServerSignIns(source, background, this::serverHost, new Outcomes());
        this.serverList = new ServerList(session, background, this::idpHost, new Outcomes());
        session.addListener(this::onEvent);
    }

    /** Loads the config, then polls the connector's status every {@code every} (the countdown ticks with it). */
    public void start(Duration every) {
        background.execute(() -> {
            try {
                session.reload();
            } catch (RuntimeException e) {
                configurationProblem(e);
            } finally { // a policy fixed, or gone bad, while the app runs is picked up and shown
                session.follow(this::configurationProblem);
            }
            warm();
            refresh();
        });
        background.scheduleWithFixedDelay(this::poll, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Opens the system browser for the IdP's sign-in; progress and the outcome arrive as views. */
    public void signIn() {
        background.execute(() -> {
            Optional<? extends TokenSource> c = source.get();
            if (c.isEmpty()) {
                fail(notConfigured());
                return;
            }
            CompletableFuture<?> flight;
            synchronized (this) {
                if (phase == SignInPhase.WAITING_FOR_BROWSER) {
                    return;
                }
                actionProblem = null;
                cancelRequested = false;
                phase = SignInPhase.WAITING_FOR_BROWSER;
            }
            refresh();
            try {
                flight = c.get().signIn();
            } catch (RuntimeException e) {
                synchronized (this) {
                    phase = SignInPhase.IDLE;
                }
                fail(PlainLanguage.failure(e, idpHost()));
                return;
            }
            boolean cancelNow;
            synchronized (this) {
                signInFlight = flight;
                cancelNow = cancelRequested;
            }
            if (cancelNow) {
                flight.cancel(true); // Cancel was pressed while the sign-in was still starting
            }
            flight.whenCompleteAsync((ok, error) -> {
                synchronized (this) {
                    phase = SignInPhase.IDLE;
                    signInFlight = null;
                    actionProblem = error == null ? null : PlainLanguage.failure(error, idpHost());
                }
                if (error == null) {
                    warm();
                }
                refresh();
            }, background);
        });
    }

    /** Stops waiting for the browser, for the company sign-in and every "Sign in to SERVER"; the loopback listener is closed. */
    public void cancelSignIn() {
        CompletableFuture<?> f;
        synchronized (this) {
            f = signInFlight;
            cancelRequested = phase == SignInPhase.WAITING_FOR_BROWSER;
        }
        if (f != null) {
            f.cancel(true);
        }
        serverSignIns.cancelAll();
    }

    /**
     * "Sign in to SERVER": the plain-OAuth sign-in of one server in the system browser, opened from this process
     * ({@link TokenSource#signIn(String)}). While it runs the row offers nothing else; a second call for the same
     * server does nothing. Progress, the outcome and failures in plain words arrive as views. Any thread.
     */
    public void signIn(String server) {
        serverSignIns.signIn(server);
    }

    /**
     * "Sign out of SERVER": ends that server's own grant ({@link TokenSource#signOut(String)}: revoked at its
     * authorization server, deleted from the keyring); the company sign-in and the other servers stay. Any thread.
     */
    public void signOut(String server) {
        serverSignIns.signOut(server);
    }

    /** Where per-server sign-ins and the server list report: the banner, the activity list, the next view. */
    private final class Outcomes implements ServerSignIns.Outcomes, ServerList.Outcomes {
        @Override
        public void started(String server) {
            synchronized (DesktopModel.this) {
                actionProblem = null;
            }
            background.execute(DesktopModel.this::refresh);
        }

        @Override
        public void finished(String server, Optional<Problem> problem, String text, boolean signedOut) {
            synchronized (DesktopModel.this) {
                actionProblem = problem.orElse(null);
                if (signedOut) {
                    hadAccess.remove(server);
                }
            }
            note(text);
            refresh();
        }

        @Override
        public void feedback(String text) {
            synchronized (DesktopModel.this) {
                addFeedback = text;
            }
            refresh();
        }

        @Override
        public void changed(String added, String removed, String text) {
            note(text);
            if (removed != null) {
                synchronized (DesktopModel.this) {
                    hadAccess.remove(removed);
                }
            } else {
                warm();
            }
            refresh();
        }
    }

    /**
     * Signs out: the connector revokes the session at the IdP (RFC 7009) and forgets it here. The outcome is an
     * activity line; when the IdP could not be told, it is also the shown problem (a warning: the session there
     * stays valid until it expires).
     */
    public void signOut() {
        background.execute(() -> {
            Optional<SignOutResult> result = source.get().map(TokenSource::signOut);
            synchronized (this) {
                actionProblem = result.filter(SignOutResult::warning).map(PlainLanguage::signOutWarning).orElse(null);
                hadAccess.clear();
            }
            result.ifPresent(r -> note(capitalized(r.describe())));
            refresh();
        });
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** {@link #addServer(String, AuthMode)} with the flow left to discovery ({@link AuthMode#AUTO}). */
    public CompletableFuture<String> addServer(String url) {
        return addServer(url, AuthMode.AUTO);
    }

    /**
     * Discovery first (none for {@link AuthMode#NONE}), then the server is saved with {@code auth} as its
     * configured flow and shown; feedback goes to {@link View#addFeedback()}. Completes with the stored name.
     */
    public CompletableFuture<String> addServer(String url, AuthMode auth) {
        return serverList.add(url, auth);
    }

    public CompletableFuture<Boolean> removeServer(String name) {
        return serverList.remove(name);
    }

    private synchronized void configurationProblem(RuntimeException e) {
        actionProblem = PlainLanguage.configuration(session.configFile(), e);
    }

    /**
     * A bridge asked for a token nobody can give it yet: tell the person (never a browser from a bridge). A
     * server with its own sign-in names "Sign in to SERVER", else the company sign-in. Returns what is shown.
     */
    public Problem signInNeededBy(String server) {
        boolean own = source.get().map(t -> ownSignIn(server, t.status())).orElse(false);
        Problem p = PlainLanguage.toolNeedsSignIn(server, own);
        synchronized (this) {
            actionProblem = p;
        }
        note("An AI tool asked for \"" + server + "\" and needs you to sign in" + (own ? " to it" : ""));
        background.execute(this::refresh);
        return p;
    }

    /** Runs {@code task} on the model's background thread (for UI actions that touch files). */
    public void runInBackground(Runnable task) {
        background.execute(task);
    }

    public ScheduledExecutorService backgroundExecutor() {
        return background;
    }

    @Override
    public void close() {
        background.shutdownNow();
    }

    private void poll() {
        try {
            if (clock.millis() - lastWarm >= keepWarmEvery.toMillis()) {
                warm();
            }
            refresh();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(DesktopModel.class).warn("status poll failed: {}", e.toString());
        }
    }

    /**
     * Asks every server for a token so the table shows real states; failures land in the status. Without the
     * company sign-in only servers with their own sign-in (or none) are asked: never a browser, the connector
     * answers "sign in to SERVER" for one without a grant.
     */
    private void warm() {
        lastWarm = clock.millis();
        var cfg = session.config();
        session.connector().ifPresent(c -> {
            ConnectorStatus st = c.status();
            c.servers().keySet().stream().filter(name -> st.signedIn() || cfg.idp() == null || ownSignIn(name, st))
                    .forEach(name -> c.tokenAsync(name).whenCompleteAsync((t, e) -> refresh(), background));
        });
    }

    /** Whether {@code server}'s tokens come without the company sign-in ({@link ServerRows#ownSignIn}). */
    private boolean ownSignIn(String server, ConnectorStatus status) {
        ServerEntry entry = session.config().servers().get(server);
        ServerStatus s = status.servers().get(server);
        return entry != null && ServerRows.ownSignIn(ServerRows.flow(entry, s), s);
    }

    private void onEvent(ConnectorEvent event) {
        String text = ActivityLog.describe(event, this::displayName);
        if (event instanceof ConnectorEvent.TokenIssued t) {
            synchronized (this) {
                hadAccess.add(t.server());
            }
        }
        if (text != null) {
            activity.add(event.at(), text);
        }
        background.execute(this::refresh);
    }

    /** The display name of {@code sub} from the latest status that has it signed in, else {@code sub} itself. */
    private String displayName(String sub) {
        ConnectorStatus known;
        synchronized (this) {
            known = lastStatus;
        }
        if (known == null || !known.user().equals(Optional.of(sub))) {
            known = source.get().map(TokenSource::status).orElse(null);
        }
        return known != null && known.user().equals(Optional.of(sub)) ? known.displayName().orElse(sub) : sub;
    }

    private void note(String text) {
        activity.add(clock.instant(), text);
    }

    private void fail(Problem p) {
        synchronized (this) {
            actionProblem = p;
        }
        refresh();
    }

    /** Builds a view from the connector's status and publishes it. Runs on background threads only. */
    private void refresh() {
        Optional<? extends TokenSource> c = source.get();
        ConnectorStatus status = c.map(TokenSource::status).orElse(null);
        var cfg = session.config();
        String idp = cfg.idp() == null || cfg.idp().issuer() == null ? "" : cfg.idp().issuer();
        View view;
        synchronized (this) {
            lastStatus = status;
            Account account = new Account(status == null ? Optional.empty() : status.displayName(), idp,
                    status == null ? Optional.empty() : status.sessionExpiresAt(), cfg.idp() != null, session.sessionStorage());
            ServerRows.Table t = ServerRows.table(cfg, status, c.isPresent(), account.signedIn(), hadAccess,
                    serverSignIns::running);
            t.rows().stream().filter(r -> r.state() == ServerState.READY).forEach(r -> hadAccess.add(r.name()));
            Problem problem = actionProblem != null ? actionProblem
                    : cfg.servers().isEmpty() || t.companyNeeded() || c.isEmpty() && cfg.idp() != null ? notConfigured()
                    : t.problem().orElse(null);
            view = new View(clock.instant(), account, phase, t.rows(), activity.snapshot(), t.tray(),
                    Optional.ofNullable(problem), addFeedback);
        }
        publisher.accept(view);
    }

    private Problem notConfigured() {
        var cfg = session.config();
        return PlainLanguage.notConfigured(cfg.idp() != null && cfg.idp().issuer() != null);
    }

    /** The host (and port) of a configured server's URL, for "cannot reach" messages. */
    private String serverHost(String server) {
        ServerEntry e = session.config().servers().get(server);
        return e == null ? server : PlainLanguage.hostOf(e.url());
    }

    private String idpHost() {
        var cfg = session.config();
        return cfg.idp() == null || cfg.idp().issuer() == null ? null : PlainLanguage.hostOf(cfg.idp().issuer());
    }
}
