package dev.xaa4j.desktop;

import dev.xaa4j.connector.internal.DaemonThreads;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorStatus;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.SignOutResult;
import dev.xaa4j.desktop.PlainLanguage.Problem;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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

    /** One row of the servers table; {@code stateText} and {@code lastError} are for people. */
    public record ServerRow(String name, String url, ServerState state, String stateText, Set<String> scopes,
                            Optional<Instant> expiresAt, String lastError) {
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

    private static final int MAX_ACTIVITY = 200;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final TraySession session;
    private final Consumer<View> publisher;
    private final Clock clock;
    private final ScheduledExecutorService background;
    private final Duration keepWarmEvery;
    private final Deque<Activity> activity = new ArrayDeque<>();
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
        this.session = session;
        this.publisher = publisher;
        this.clock = clock;
        this.keepWarmEvery = keepWarmEvery;
        this.background = Executors.newSingleThreadScheduledExecutor(r -> DaemonThreads.newThread(r, "xaa-desktop-model"));
        session.addListener(this::onEvent);
    }

    /** Loads the config, then polls the connector's status every {@code every} (the countdown ticks with it). */
    public void start(Duration every) {
        background.execute(() -> {
            try {
                session.reload();
                session.follow(e -> org.slf4j.LoggerFactory.getLogger(DesktopModel.class)
                        .warn("ignoring the changed configuration: {}", e.getMessage()));
            } catch (RuntimeException e) {
                synchronized (this) {
                    actionProblem = new Problem("Cannot read the configuration " + session.configFile() + ": " + e.getMessage(),
                            "Fix or delete the file, then restart the app.");
                }
            }
            warm();
            refresh();
        });
        background.scheduleWithFixedDelay(this::poll, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Opens the system browser for the IdP's sign-in; progress and the outcome arrive as views. */
    public void signIn() {
        background.execute(() -> {
            Optional<Connector> c = session.connector();
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

    /** Stops waiting for the browser; the loopback listener is closed. */
    public void cancelSignIn() {
        CompletableFuture<?> f;
        synchronized (this) {
            f = signInFlight;
            cancelRequested = phase == SignInPhase.WAITING_FOR_BROWSER;
        }
        if (f != null) {
            f.cancel(true);
        }
    }

    /**
     * Signs out: the connector revokes the session at the IdP (RFC 7009) and forgets it here. The outcome is an
     * activity line; when the IdP could not be told, it is also the shown problem (a warning: the session there
     * stays valid until it expires).
     */
    public void signOut() {
        background.execute(() -> {
            Optional<SignOutResult> result = session.connector().map(Connector::signOut);
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

    /** Discovery first, then the server is saved and shown; feedback goes to {@link View#addFeedback()}. */
    public CompletableFuture<String> addServer(String url) {
        synchronized (this) {
            addFeedback = "Checking " + url.strip() + " …";
        }
        refresh();
        return CompletableFuture.supplyAsync(() -> {
            try {
                if (!isWebAddress(url.strip())) {
                    throw new NotAWebAddress();
                }
                TraySession.Added added = session.addServer(url);
                synchronized (this) {
                    addFeedback = "Added \"" + added.name() + "\": signs in through " + added.metadata().asIssuer()
                            + (added.metadata().scopesSupported().isEmpty() ? "" : ", offers "
                            + String.join(" ", added.metadata().scopesSupported()));
                }
                note("Added server " + added.name() + " (" + url.strip() + ")");
                warm();
                refresh();
                return added.name();
            } catch (Exception e) {
                Problem p = e instanceof NotAWebAddress
                        ? new Problem("\"" + url.strip() + "\" is not a web address.", "Paste the full address, starting with https://.")
                        : PlainLanguage.addServerFailure(e, idpHost());
                synchronized (this) {
                    addFeedback = "Not added. " + p.text();
                }
                refresh();
                throw new java.util.concurrent.CompletionException(e);
            }
        }, background);
    }

    private static final class NotAWebAddress extends Exception {
    }

    static boolean isWebAddress(String s) {
        try {
            URI u = new URI(s);
            return ("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme())) && u.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    public CompletableFuture<Boolean> removeServer(String name) {
        return CompletableFuture.supplyAsync(() -> {
            boolean removed = session.removeServer(name);
            if (removed) {
                synchronized (this) {
                    hadAccess.remove(name);
                    addFeedback = "Removed \"" + name + "\".";
                }
                note("Removed server " + name);
            }
            refresh();
            return removed;
        }, background);
    }

    /** A bridge asked for a token with nobody signed in: tell the person (never a browser from a bridge). */
    public void signInNeededBy(String server) {
        synchronized (this) {
            actionProblem = new Problem("An AI tool wants to use \"" + server + "\", but you are not signed in.",
                    "Choose Sign in.");
        }
        note("An AI tool asked for \"" + server + "\" and needs you to sign in");
        background.execute(this::refresh);
    }

    /** Runs {@code task} on the model's background thread (for UI actions that touch files). */
    public void runInBackground(Runnable task) {
        background.execute(task);
    }

    public Executor backgroundExecutor() {
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

    /** Asks every server for a token so the table shows real states; failures land in the status. */
    private void warm() {
        lastWarm = clock.millis();
        session.connector().filter(c -> c.status().signedIn()).ifPresent(c -> c.servers().keySet().forEach(name ->
                c.tokenAsync(name).whenCompleteAsync((t, e) -> refresh(), background)));
    }

    private void onEvent(ConnectorEvent event) {
        String text = describe(event);
        if (event instanceof ConnectorEvent.TokenIssued t) {
            synchronized (this) {
                hadAccess.add(t.server());
            }
        }
        if (text != null) {
            synchronized (this) {
                activity.addFirst(new Activity(event.at(), text));
                while (activity.size() > MAX_ACTIVITY) {
                    activity.removeLast();
                }
            }
        }
        background.execute(this::refresh);
    }

    /** Activity lines never carry token values: events hold none, and reasons are the connector's messages. */
    private String describe(ConnectorEvent event) {
        if (event instanceof ConnectorEvent.SignedIn s) {
            return "Signed in as " + displayName(s.user()) + " (session until " + time(s.sessionExpiresAt()) + ")";
        } else if (event instanceof ConnectorEvent.SignedOut s) {
            return "Signed out" + s.user().map(u -> " (" + displayName(u) + ")").orElse("");
        } else if (event instanceof ConnectorEvent.TokenIssued t) {
            return t.server() + ": access granted (" + String.join(" ", new TreeSet<>(t.scopes())) + ") until " + time(t.expiresAt());
        } else if (event instanceof ConnectorEvent.AccessRevoked r) {
            return r.server() + ": access refused: " + r.reason();
        } else if (event instanceof ConnectorEvent.RenewalFailed f) {
            return f.server() + ": renewal failed (" + f.reason() + ")" + (f.tokenStillValid() ? "; still working" : "");
        } else if (event instanceof ConnectorEvent.SignInRequired s) {
            return "Sign-in needed" + s.server().map(x -> " (noticed by " + x + ")").orElse("") + ": " + s.reason();
        }
        return null;
    }

    /** The display name of {@code sub} from the latest status that has it signed in, else {@code sub} itself. */
    private String displayName(String sub) {
        ConnectorStatus known;
        synchronized (this) {
            known = lastStatus;
        }
        if (known == null || !known.user().equals(Optional.of(sub))) {
            known = session.connector().map(Connector::status).orElse(null);
        }
        return known != null && known.user().equals(Optional.of(sub)) ? known.displayName().orElse(sub) : sub;
    }

    private void note(String text) {
        synchronized (this) {
            activity.addFirst(new Activity(clock.instant(), text));
        }
    }

    private void fail(Problem p) {
        synchronized (this) {
            actionProblem = p;
        }
        refresh();
    }

    /** Builds a view from the connector's status and publishes it. Runs on background threads only. */
    private void refresh() {
        Optional<Connector> c = session.connector();
        ConnectorStatus status = c.map(Connector::status).orElse(null);
        var cfg = session.config();
        String idp = cfg.idp() == null || cfg.idp().issuer() == null ? "" : cfg.idp().issuer();
        View view;
        synchronized (this) {
            lastStatus = status;
            Account account = new Account(status == null ? Optional.empty() : status.displayName(), idp,
                    status == null ? Optional.empty() : status.sessionExpiresAt(), cfg.idp() != null, session.sessionStorage());
            List<ServerRow> rows = new ArrayList<>();
            Problem rowProblem = null;
            for (var e : cfg.servers().entrySet()) {
                ServerStatus s = status == null ? null : status.servers().get(e.getKey());
                ServerState state = s == null ? ServerState.IDLE : s.state();
                Optional<ConnectorException.Kind> err = s == null ? Optional.empty() : s.lastErrorKind();
                boolean had = hadAccess.contains(e.getKey());
                if (state == ServerState.READY) {
                    hadAccess.add(e.getKey());
                }
                if (!account.signedIn() && state != ServerState.READY) {
                    state = ServerState.IDLE;
                }
                rows.add(new ServerRow(e.getKey(), e.getValue().url(), state,
                        account.signedIn() ? PlainLanguage.state(state, err, had) : "Signed out",
                        s == null ? Set.of() : new TreeSet<>(s.scopes()),
                        s == null ? Optional.empty() : s.expiresAt(),
                        account.signedIn() ? PlainLanguage.serverProblem(e.getKey(), state, err, had).map(Problem::text).orElse("") : ""));
                if (rowProblem == null && account.signedIn()) {
                    rowProblem = PlainLanguage.serverProblem(e.getKey(), state, err, had).orElse(null);
                }
            }
            Problem problem = actionProblem != null ? actionProblem
                    : c.isEmpty() || cfg.servers().isEmpty() ? notConfigured() // signing in works without servers
                    : !account.signedIn() ? null : rowProblem;
            TrayState tray = !account.signedIn() ? TrayState.SIGNED_OUT
                    : rows.stream().anyMatch(ServerRow::needsAttention) ? TrayState.ATTENTION : TrayState.SIGNED_IN;
            view = new View(clock.instant(), account, phase, List.copyOf(rows), List.copyOf(activity), tray,
                    Optional.ofNullable(problem), addFeedback);
        }
        publisher.accept(view);
    }

    private Problem notConfigured() {
        var cfg = session.config();
        if (cfg.idp() == null || cfg.idp().issuer() == null) {
            return new Problem("This app does not know your company's sign-in service yet.",
                    "Ask your IT administrator for the set-up, or run `xaa idp ISSUER --client-id ID`.");
        }
        return new Problem("No MCP servers are set up yet.", "Add one below with the address your IT administrator gave you.");
    }

    private String idpHost() {
        var cfg = session.config();
        if (cfg.idp() == null || cfg.idp().issuer() == null) {
            return null;
        }
        try {
            URI u = URI.create(cfg.idp().issuer());
            return u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
        } catch (IllegalArgumentException e) {
            return cfg.idp().issuer();
        }
    }

    private static String time(Instant at) {
        return TIME.format(at.atZone(ZoneId.systemDefault()));
    }
}
