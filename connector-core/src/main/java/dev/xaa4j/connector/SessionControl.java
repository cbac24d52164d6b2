package dev.xaa4j.connector;

import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.xaa4j.connector.internal.discovery.Discovery;
import dev.xaa4j.connector.internal.grant.ClientAuthFactory;
import dev.xaa4j.connector.internal.grant.Redaction;
import dev.xaa4j.connector.internal.grant.TokenRevocation;
import dev.xaa4j.connector.internal.signin.BrowserSignIn;
import dev.xaa4j.connector.internal.signin.IdTokenVerifier;
import dev.xaa4j.connector.internal.signin.SignInOptions;
import dev.xaa4j.connector.internal.signin.SignInResult;
import dev.xaa4j.connector.internal.store.IdpSession;
import dev.xaa4j.connector.internal.token.IdTokenProvider;
import dev.xaa4j.connector.internal.token.SessionAccess;
import dev.xaa4j.connector.internal.token.SessionEpoch;
import dev.xaa4j.connector.internal.token.TokenManager;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The IdP-session half of a {@link Connector} (docs/protocol.md §1 step 1, RFC 7009): browser sign-in (one at a
 * time), storing a sign-in's result, re-reading a session another process changed, sign-out with revocation, and
 * the one ID token verifier. Without an IdP ({@code idp} {@code null}) there is no session: sign-in fails,
 * sign-out and the status have nothing to do. Not part of the API: {@link Connector} delegates to it. Thread-safe.
 */
final class SessionControl {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Connector.class);

    private final IdpConfig idp;
    private final Clock clock;
    private final Discovery discovery;
    private final ClientCredentialsSource credentials;
    private final SessionAccess session; // null with a caller-supplied IdTokenSource
    private final SessionEpoch epoch;
    private final Supplier<IdTokenProvider> idTokens;
    private final Supplier<TokenManager> tokens;
    private final BrowserSignIn browserSignIn;
    private final SignInOptions signInOptions;
    private final Duration clockSkew;
    private final Duration httpTimeout;
    private final Consumer<ConnectorEvent> publish;
    private final AtomicReference<CompletableFuture<ConnectorStatus>> signInInFlight = new AtomicReference<>();
    private volatile IdTokenVerifier verifier;

    @SuppressWarnings("checkstyle:ParameterNumber")
    SessionControl(IdpConfig idp, Clock clock, Discovery discovery, ClientCredentialsSource credentials,
                   SessionAccess session, SessionEpoch epoch, Supplier<IdTokenProvider> idTokens,
                   Supplier<TokenManager> tokens, BrowserSignIn browserSignIn, SignInOptions signInOptions,
                   Duration clockSkew, Duration httpTimeout, Consumer<ConnectorEvent> publish) {
        this.idp = idp;
        this.clock = clock;
        this.discovery = discovery;
        this.credentials = credentials;
        this.session = session;
        this.epoch = epoch;
        this.idTokens = idTokens;
        this.tokens = tokens;
        this.browserSignIn = browserSignIn;
        this.signInOptions = signInOptions;
        this.clockSkew = clockSkew;
        this.httpTimeout = httpTimeout;
        this.publish = publish;
    }

    /** The stored session; empty with none, or with a caller-supplied ID token. */
    Optional<IdpSession> load() {
        return session == null ? Optional.empty() : session.load();
    }

    /** Whether {@link #signIn} can open a browser: an IdP is configured and no caller supplies ID tokens. */
    boolean canSignIn() {
        return session != null;
    }

    /**
     * {@link Connector#signIn()}: one browser at a time, concurrent calls share the sign-in in progress. Without an
     * IdP a failed future ({@link ConnectorException.Kind#CONFIGURATION}).
     */
    CompletableFuture<ConnectorStatus> signIn(Supplier<ConnectorStatus> status) {
        if (idp == null) {
            return CompletableFuture.failedFuture(new ConnectorException(ConnectorException.Kind.CONFIGURATION,
                    "No identity provider is configured, so there is no enterprise sign-in. Configure one (xaa idp ISSUER"
                            + " --client-id ID), or sign in to each server that needs it (xaa login SERVER)."));
        }
        requireSession("it cannot sign in");
        CompletableFuture<ConnectorStatus> mine = new CompletableFuture<>();
        CompletableFuture<ConnectorStatus> running = signInInFlight.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        try {
            OIDCProviderMetadata meta = idpMetadata();
            ClientAuthentication auth = ClientAuthFactory.authentication(idp.authMethod(), idp.issuer().toString(),
                    idp.clientId(), credentials);
            CompletableFuture<SignInResult> browser = browserSignIn.start(meta, idp.clientId(), auth, signInOptions);
            mine.whenComplete((done, error) -> {
                if (mine.isCancelled()) {
                    signInInFlight.compareAndSet(mine, null);
                    browser.cancel(true); // closes the loopback listener
                }
            });
            browser.thenApply(result -> {
                accept(result);
                return status.get();
            }).whenComplete((done, error) -> {
                signInInFlight.compareAndSet(mine, null);
                if (error != null) {
                    mine.completeExceptionally(error);
                } else {
                    mine.complete(done);
                }
            });
        } catch (RuntimeException e) {
            signInInFlight.set(null);
            mine.completeExceptionally(e);
        }
        return mine;
    }

    /** Stores a sign-in's result as the session, drops every token of the old one, emits {@code SignedIn}. */
    void accept(SignInResult result) {
        requireSession("it has no session");
        var claims = result.idTokenClaims();
        Instant authTime = claims.getClaim("auth_time") instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : clock.instant();
        IdpSession s = new IdpSession(idp.issuer().toString(), idp.clientId(), claims.getSubject(), result.idToken(),
                claims.getExpirationTime().toInstant(), result.refreshToken(), authTime);
        // Under the refresh lock: a refresh of the old session in flight cannot overwrite or delete this one.
        session.replace(s, epoch::changedHere);
        idTokens.get().reset();
        tokens.get().clear(); // possibly another user: no token of the old session is served any more
        tokens.get().clearFailures();
        publish.accept(new ConnectorEvent.SignedIn(clock.instant(), s.subject(), s.idTokenExpiresAt()));
    }

    /** {@link Connector#reloadSession()}. */
    void reload() {
        requireSession("it has no session");
        epoch.changedHere(session.generation());
        changedElsewhere();
    }

    /** The session watch saw another process sign in or out: drop cached tokens and failures, emit the news. */
    void changedElsewhere() {
        Optional<IdpSession> now = session.load();
        idTokens.get().reset();
        tokens.get().clear();
        tokens.get().clearFailures();
        now.ifPresentOrElse(s -> publish.accept(new ConnectorEvent.SignedIn(clock.instant(), s.subject(), s.idTokenExpiresAt())),
                () -> publish.accept(new ConnectorEvent.SignedOut(clock.instant(), Optional.empty())));
    }

    /** {@link Connector#signOut()}. */
    SignOutResult signOut() {
        Optional<IdpSession> ended = Optional.empty();
        if (session != null) {
            ended = session.end(epoch::changedHere);
        }
        idTokens.get().reset();
        tokens.get().clear();
        Optional<String> user = ended.map(IdpSession::subject);
        publish.accept(new ConnectorEvent.SignedOut(clock.instant(), user));
        Optional<String> refreshToken = ended.flatMap(IdpSession::refreshToken);
        if (refreshToken.isEmpty()) {
            return new SignOutResult(user, SignOutResult.Revocation.NOTHING_TO_REVOKE, Optional.empty());
        }
        return revoke(user, refreshToken.get());
    }

    private SignOutResult revoke(Optional<String> user, String refreshToken) {
        try {
            OIDCProviderMetadata meta = idpMetadata();
            URI endpoint = meta.getRevocationEndpointURI();
            if (endpoint == null) {
                return new SignOutResult(user, SignOutResult.Revocation.NOT_SUPPORTED, Optional.empty());
            }
            ClientAuthentication auth = ClientAuthFactory.authentication(idp.authMethod(), idp.issuer().toString(),
                    idp.clientId(), credentials);
            Optional<String> problem = new TokenRevocation(httpTimeout).revoke(endpoint, auth,
                    new ClientID(idp.clientId()), refreshToken);
            if (problem.isPresent()) { // the result carries it and the caller reports it: debug, not a second line
                LOG.debug("Signed out on this machine, but the IdP did not end the session: {}", problem.get());
                return new SignOutResult(user, SignOutResult.Revocation.FAILED, problem);
            }
            return new SignOutResult(user, SignOutResult.Revocation.REVOKED, Optional.empty());
        } catch (RuntimeException e) { // discovery failed, no client secret, ...
            String problem = Redaction.scrub(e.getMessage());
            LOG.debug("Signed out on this machine, but the IdP did not end the session: {}", problem);
            return new SignOutResult(user, SignOutResult.Revocation.FAILED, Optional.of(problem));
        }
    }

    /** One verifier (and so one cached JWKS) for all refreshed ID tokens. */
    IdTokenVerifier verifier() {
        IdTokenVerifier v = verifier;
        if (v == null) {
            synchronized (this) {
                if (verifier == null) {
                    verifier = new IdTokenVerifier(idpMetadata(), idp.clientId(), clock, clockSkew, httpTimeout);
                }
                v = verifier;
            }
        }
        return v;
    }

    OIDCProviderMetadata idpMetadata() {
        return discovery.idp(idp.issuer());
    }

    private void requireSession(String consequence) {
        if (session == null) {
            throw new UnsupportedOperationException("This connector uses a caller-supplied ID token; " + consequence);
        }
    }
}
