package dev.xaa4j.connector.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ConnectorException.Kind;
import dev.xaa4j.connector.ScopeDeniedException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.testing.RecordingServerGrants;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The flow choice per server and the classification of enterprise outcomes (docs/architecture.md "Choosing the flow"). */
@Timeout(10)
class FlowRouterTest {

    static final String PROFILE = "urn:ietf:params:oauth:grant-profile:id-jag";
    static final URI URL = URI.create("https://notes.example/mcp");

    final Map<String, ServerConfig> servers = new ConcurrentHashMap<>();
    final AtomicInteger discoveries = new AtomicInteger();
    volatile Supplier<ServerMetadata> metadata = () -> meta("https://as.example", true, true);
    final Deque<Supplier<RuntimeException>> emaFailures = new ArrayDeque<>();
    final AtomicInteger emaCalls = new AtomicInteger();
    final RecordingServerGrants grants = new RecordingServerGrants();

    {
        grants.granted = true;
    }

    final TokenFetcher ema = (server, extra) -> {
        emaCalls.incrementAndGet();
        Supplier<RuntimeException> f = emaFailures.poll();
        if (f != null) {
            throw f.get();
        }
        return fetched(server, "ema-token");
    };

    FlowRouter router(boolean withIdp) {
        return new FlowRouter(servers, cfg -> {
            discoveries.incrementAndGet();
            return metadata.get();
        }, withIdp ? ema : null, grants, false);
    }

    ServerConfig server(AuthMode mode) {
        ServerConfig c = ServerConfig.of("notes", URL, "client", ClientAuthMethod.NONE).withAuth(mode);
        servers.put("notes", c);
        return c;
    }

    static TokenFetcher.Fetched fetched(String server, String value) {
        return RecordingServerGrants.fetched(server, value);
    }

    static ServerMetadata meta(String issuer, boolean jwtBearer, boolean profile) {
        AuthorizationServerMetadata as = new AuthorizationServerMetadata(new Issuer(issuer));
        as.setTokenEndpointURI(URI.create(issuer + "/token"));
        as.setAuthorizationEndpointURI(URI.create(issuer + "/authorize"));
        as.setCodeChallengeMethods(List.of(CodeChallengeMethod.S256));
        if (jwtBearer) {
            as.setGrantTypes(List.of(GrantType.JWT_BEARER, GrantType.AUTHORIZATION_CODE));
        }
        if (profile) {
            as.setCustomParameter("authorization_grant_profiles_supported", List.of(PROFILE));
        }
        return new ServerMetadata(URL, URL.toString(), as, List.of(), Optional.empty(), URI.create(URL + "/prm"));
    }

    @Test
    void autoWithAnIdpAndAnAsListingTheProfileChoosesEnterprise() {
        server(AuthMode.AUTO);
        FlowRouter r = router(true);

        assertThat(r.fetch("notes", Set.of()).token().value()).isEqualTo("ema-token");
        FlowRouter.Decision d = r.decision("notes").orElseThrow();
        assertThat(d.mode()).isEqualTo(AuthMode.EMA);
        assertThat(d.reason()).isEqualTo("enterprise: the authorization server https://as.example lists the ID-JAG"
                + " grant profile and your IdP is configured");
        assertThat(grants.calls).isEmpty();
    }

    @Test
    void autoWithAnAsThatDoesNotRedeemIdJagsChoosesPerServerSignInWithoutABrowser() {
        server(AuthMode.AUTO);
        metadata = () -> meta("https://as.example", true, false); // jwt-bearer alone is not enough in AUTO
        FlowRouter r = router(true);

        assertThat(r.fetch("notes", Set.of()).token().value()).isEqualTo("oauth-token");
        assertThat(r.decision("notes").orElseThrow().reason())
                .isEqualTo("per-server sign-in: the authorization server https://as.example does not redeem ID-JAGs");
        assertThat(grants.calls).containsExactly("token interactive=false");
        assertThat(emaCalls).hasValue(0);
    }

    @Test
    void withoutAnIdpEveryProtectedServerIsPerServerSignIn() {
        server(AuthMode.AUTO);
        FlowRouter r = router(false);

        assertThat(r.fetch("notes", Set.of()).token().value()).isEqualTo("oauth-token");
        assertThat(r.decision("notes").orElseThrow().reason()).contains("no identity provider is configured");
    }

    @Test
    void aServerThatTakesNoTokenIsNoneAndIsNotDiscoveredAgain() {
        server(AuthMode.AUTO);
        metadata = () -> {
            throw new ConnectorException(Kind.NOT_PROTECTED, "answered without a token");
        };
        FlowRouter r = router(true);

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> r.fetch("notes", Set.of())).isInstanceOf(ConnectorException.class)
                    .hasFieldOrPropertyWithValue("kind", Kind.NOT_PROTECTED);
        }
        assertThat(r.decision("notes").orElseThrow().reason()).isEqualTo("no authorization: the server answered without a token");
        assertThat(discoveries).hasValue(1);
        assertThat(grants.calls).isEmpty();
        assertThat(emaCalls).hasValue(0);
    }

    @Test
    void forcedModesWinOverDiscovery() {
        FlowRouter r = router(true);
        server(AuthMode.OAUTH);
        assertThat(r.fetch("notes", Set.of()).token().value()).isEqualTo("oauth-token");
        assertThat(r.decision("notes").orElseThrow().reason()).isEqualTo("per-server sign-in: forced by configuration (--auth oauth)");

        server(AuthMode.EMA);
        metadata = () -> meta("https://as.example", true, false); // jwt-bearer, no profile: enough when forced
        assertThat(r.fetch("notes", Set.of()).token().value()).isEqualTo("ema-token");

        server(AuthMode.NONE);
        int before = discoveries.get();
        assertThatThrownBy(() -> r.fetch("notes", Set.of())).hasFieldOrPropertyWithValue("kind", Kind.NOT_PROTECTED);
        assertThat(discoveries).as("none needs no discovery").hasValue(before);
    }

    @Test
    void forcedEnterpriseAtAnAsWithoutJwtBearerOrWithoutAnIdpIsAConfigurationError() {
        server(AuthMode.EMA);
        metadata = () -> meta("https://as.example", false, false);
        assertThatThrownBy(() -> router(true).fetch("notes", Set.of())).hasFieldOrPropertyWithValue("kind", Kind.CONFIGURATION)
                .hasMessageContaining("does not accept the JWT bearer grant");
        assertThatThrownBy(() -> router(false).fetch("notes", Set.of())).hasFieldOrPropertyWithValue("kind", Kind.CONFIGURATION)
                .hasMessageContaining("no identity provider is configured");
        assertThat(grants.calls).isEmpty();
    }

    static Stream<Supplier<RuntimeException>> denials() {
        return Stream.of(
                () -> new ConnectorException(Kind.ACCESS_DENIED, "notes", "denied by your IdP", "access_denied", null),
                () -> new ConnectorException(Kind.SERVER_NOT_ENABLED, "notes", "not enabled", "invalid_target", null),
                () -> new ConnectorException(Kind.ACCESS_DENIED, "notes", "unauthorized", "unauthorized_client", null),
                () -> new ScopeDeniedException("notes", Set.of("mcp:write"), "scope refused"),
                () -> new ConnectorException(Kind.ACCESS_DENIED, "notes", "AS rejected a fresh ID-JAG twice", "invalid_grant", null));
    }

    @ParameterizedTest
    @MethodSource("denials")
    void aDenialStaysEnterpriseAndNeverFallsBackToPerServerSignIn(Supplier<RuntimeException> denial) {
        server(AuthMode.AUTO);
        FlowRouter r = router(true);
        grants.forbid("a denial");
        emaFailures.add(denial);
        // even an "unsupported" answer afterwards does not open the per-server path
        emaFailures.add(() -> new ConnectorException(Kind.SUBJECT_TOKEN_REJECTED, "notes", "no token exchange",
                "unsupported_grant_type", null));

        RuntimeException first = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> r.fetch("notes", Set.of()));
        assertThat(first).isInstanceOf(ConnectorException.class);
        assertThatThrownBy(() -> r.fetch("notes", Set.of())).hasFieldOrPropertyWithValue("kind", Kind.SUBJECT_TOKEN_REJECTED);
        assertThat(r.fetch("notes", Set.of()).token().value()).isEqualTo("ema-token");
        FlowRouter.Decision d = r.decision("notes").orElseThrow();
        assertThat(d.mode()).isEqualTo(AuthMode.EMA);
        assertThat(d.denied()).isTrue();
        assertThat(grants.calls).isEmpty();
    }

    static Stream<Supplier<RuntimeException>> unsupported() {
        return Stream.of(
                () -> new ConnectorException(Kind.SUBJECT_TOKEN_REJECTED, "notes", "IdP without token exchange", "unsupported_grant_type", null),
                () -> new ConnectorException(Kind.CONFIGURATION, "notes", "AS without jwt-bearer", "unsupported_grant_type", null),
                () -> new ConnectorException(Kind.CONFIGURATION, "notes", "AS: not for this client", "unauthorized_client", null),
                () -> new ConnectorException(Kind.CONFIGURATION, "notes", "Your IdP does not issue ID-JAGs for ID tokens",
                        XaaTokenFetcher.NO_ID_JAGS_FOR_ID_TOKENS, null));
    }

    @ParameterizedTest
    @MethodSource("unsupported")
    void unsupportedFallsBackToPerServerSignInInAutoOnly(Supplier<RuntimeException> failure) {
        server(AuthMode.AUTO);
        FlowRouter auto = router(true);
        emaFailures.add(failure);

        assertThat(auto.fetch("notes", Set.of()).token().value()).isEqualTo("oauth-token");
        assertThat(auto.decision("notes").orElseThrow().mode()).isEqualTo(AuthMode.OAUTH);
        assertThat(auto.fetch("notes", Set.of()).token().value()).as("remembered").isEqualTo("oauth-token");
        assertThat(emaCalls).hasValue(1);

        grants.calls.clear();
        server(AuthMode.EMA);
        FlowRouter forced = router(true);
        emaFailures.add(failure);
        assertThatThrownBy(() -> forced.fetch("notes", Set.of())).isInstanceOf(ConnectorException.class);
        assertThat(forced.decision("notes").orElseThrow().mode()).isEqualTo(AuthMode.EMA);
        assertThat(grants.calls).isEmpty();
    }

    @Test
    void aTransientFailureStaysEnterprise() {
        server(AuthMode.AUTO);
        FlowRouter r = router(true);
        emaFailures.add(() -> new ConnectorException(Kind.UPSTREAM_UNAVAILABLE, "IdP unreachable"));

        assertThatThrownBy(() -> r.fetch("notes", Set.of())).hasFieldOrPropertyWithValue("kind", Kind.UPSTREAM_UNAVAILABLE);
        assertThat(r.decision("notes").orElseThrow().mode()).isEqualTo(AuthMode.EMA);
        assertThat(grants.calls).isEmpty();
    }

    @Test
    void theDecisionIsMadeAgainWhenTheAuthorizationServerChanges() {
        server(AuthMode.AUTO);
        FlowRouter r = router(true);
        metadata = () -> meta("https://as1.example", false, false);
        assertThat(r.fetch("notes", Set.of()).token().value()).isEqualTo("oauth-token");

        metadata = () -> meta("https://as2.example", true, true);
        assertThat(r.fetch("notes", Set.of()).token().value()).isEqualTo("ema-token");
        assertThat(r.decision("notes").orElseThrow().asIssuer()).isEqualTo("https://as2.example");
    }

    @Test
    void perServerSignInAtAnAsWithoutS256IsRefusedBeforeTheFlowStarts() {
        server(AuthMode.OAUTH);
        metadata = () -> {
            ServerMetadata m = meta("https://as.example", false, false);
            m.authorizationServer().setCodeChallengeMethods(null);
            return m;
        };

        assertThatThrownBy(() -> router(true).fetch("notes", Set.of())).hasFieldOrPropertyWithValue("kind", Kind.CONFIGURATION)
                .hasMessageContaining("S256");
        assertThat(grants.calls).isEmpty();
    }
}
