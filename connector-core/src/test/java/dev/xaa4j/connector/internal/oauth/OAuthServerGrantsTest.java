package dev.xaa4j.connector.internal.oauth;

import static dev.xaa4j.connector.testing.Routes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ScopeDeniedException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.store.ServerGrantStore;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.testing.Routes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every rule of plain MCP authorization (MCP-authorization "Authorization Flow Steps") on the wire, against a
 * MockWebServer authorization server and a headless browser. After each test the captured log holds no token, code,
 * verifier or secret.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OAuthServerGrantsTest {

    @StartStop
    private final MockWebServer web = new MockWebServer();
    private final Routes routes = new Routes();
    private final MemoryCredentialStore store = new MemoryCredentialStore();
    private final HeadlessBrowser browser = new HeadlessBrowser();
    private final List<String> secrets = new ArrayList<>();
    private FakeAuthorizationServer as1;
    private FakeAuthorizationServer as2;
    private String resource;
    private ServerConfig server;
    private PrintStream originalErr;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        web.setDispatcher(routes);
        as1 = new FakeAuthorizationServer(web, routes, "as1");
        as2 = new FakeAuthorizationServer(web, routes, "as2");
        resource = "http://127.0.0.1:" + web.getPort(); // no trailing slash: must be sent verbatim
        server = ServerConfig.of("notes", URI.create(resource + "/mcp"), "unused", ClientAuthMethod.NONE);
        originalErr = System.err;
        System.setErr(new PrintStream(new TeeStream(originalErr, log), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void noSecretInTheLog() {
        System.setErr(originalErr);
        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("SECRET");
        for (Map<String, String> form : allTokenForms()) {
            if (form.containsKey("code_verifier")) {
                assertThat(text).doesNotContain(form.get("code_verifier"));
            }
        }
        secrets.forEach(s -> assertThat(text).doesNotContain(s));
    }

    private List<Map<String, String>> allTokenForms() {
        List<Map<String, String>> all = new ArrayList<>(as1.tokenForms());
        all.addAll(as2.tokenForms());
        return all;
    }

    private OAuthServerGrants grants(ClientCredentialsSource credentials, Optional<URI> cimd) {
        return new OAuthServerGrants(Clock.systemUTC(), Duration.ofSeconds(5), store, credentials, cimd, browser, Map.of(),
                Duration.ofSeconds(20));
    }

    private OAuthServerGrants grants() {
        return grants(ClientCredentialsSource.none(), Optional.empty());
    }

    private ServerMetadata meta(FakeAuthorizationServer as) {
        return as.meta(resource, List.of(), Optional.empty());
    }

    // ---- client identification ------------------------------------------------------------------------------

    @Test
    void dynamicRegistrationSendsANativeClientWithTheGrantTypesUsedAndIsReused() throws Exception {
        try (OAuthServerGrants g = grants()) {
            TokenFetcher.Fetched first = g.token(server, meta(as1), Set.of(), Set.of(), true);
            assertThat(first.token().value()).startsWith("AT-SECRET-as1");
            RecordedRequest dcr = as1.requests("register").get(0);
            assertThat(dcr.getHeaders().get("Content-Type")).startsWith("application/json");
            var body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dcr.getBody().utf8());
            String redirect = as1.authorizations().get(0).get("redirect_uri");
            assertThat(redirect).matches("http://127\\.0\\.0\\.1:\\d+/callback");
            assertThat(body.get("client_name").asText()).isEqualTo("xaa4j");
            assertThat(body.get("application_type").asText()).isEqualTo("native");
            assertThat(body.get("redirect_uris")).hasSize(1);
            assertThat(body.get("redirect_uris").get(0).asText()).isEqualTo(redirect);
            assertThat(body.get("grant_types").toString()).isEqualTo("[\"authorization_code\",\"refresh_token\"]");
            assertThat(body.get("response_types").toString()).isEqualTo("[\"code\"]");
            assertThat(body.get("token_endpoint_auth_method").asText()).isEqualTo("none");

            g.signIn(server, meta(as1), Set.of());
            assertThat(as1.requests("register")).hasSize(1); // the stored registration is reused
            assertThat(as1.authorizations()).extracting(a -> a.get("client_id")).containsOnly("as1-client-id");
        }
    }

    @Test
    void authorizationAndTokenRequestsCarryPkceStateAndTheResourceVerbatim() {
        try (OAuthServerGrants g = grants()) {
            g.token(server, meta(as1), Set.of(), Set.of(), true);
        }
        Map<String, String> authz = as1.authorizations().get(0);
        assertThat(authz).containsEntry("response_type", "code").containsEntry("code_challenge_method", "S256")
                .containsEntry("resource", resource).doesNotContainKeys("prompt", "scope");
        assertThat(Base64.getUrlDecoder().decode(authz.get("state"))).hasSizeGreaterThanOrEqualTo(16);
        Map<String, String> token = as1.tokenForms().get(0);
        assertThat(token).containsEntry("grant_type", "authorization_code").containsEntry("resource", resource)
                .containsEntry("redirect_uri", authz.get("redirect_uri")).containsEntry("client_id", "as1-client-id")
                .containsKeys("code", "code_verifier");
        assertThat(CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(token.get("code_verifier"))).getValue())
                .isEqualTo(authz.get("code_challenge"));
        assertThat(as1.requests("token").get(0).getHeaders().get("Authorization")).isNull();
    }

    @Test
    void aClientIdMetadataDocumentIsUsedWhenTheServerSupportsIt() {
        as1.metadata.put("client_id_metadata_document_supported", true);
        URI cimd = URI.create("https://conformance-test.local/client-metadata.json");
        try (OAuthServerGrants g = grants(ClientCredentialsSource.none(), Optional.of(cimd))) {
            g.token(server, meta(as1), Set.of(), Set.of(), true);
        }
        assertThat(as1.requests("register")).isEmpty();
        assertThat(as1.authorizations().get(0)).containsEntry("client_id", cimd.toString());
        assertThat(as1.tokenForms().get(0)).containsEntry("client_id", cimd.toString());
    }

    @Test
    void aPreRegisteredClientIsUsedAtItsIssuerAndNeverSentToAnother() {
        as1.metadata.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
        as1.metadata.remove("registration_endpoint");
        secrets.add("pre-registered-secret");
        ServerConfig pre = server.withOAuthClientId("pre-registered-client");
        ClientCredentialsSource creds = ClientCredentialsSource.ofSecrets(Map.of("pre-registered-client", "pre-registered-secret"));
        try (OAuthServerGrants g = grants(creds, Optional.empty())) {
            g.token(pre, meta(as1), Set.of(), Set.of(), true);
            assertThat(as1.requests("token").get(0).getHeaders().get("Authorization")).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("pre-registered-client:pre-registered-secret".getBytes(StandardCharsets.UTF_8)));
            assertThat(as1.authorizations().get(0)).containsEntry("client_id", "pre-registered-client");

            assertThatThrownBy(() -> g.token(pre, meta(as2), Set.of(), Set.of(), true))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ConnectorException.Kind.CONFIGURATION);
                        assertThat(e.getMessage()).contains(as1.issuer, as2.issuer, "--client-id");
                    });
        }
        assertThat(as2.requests()).isEmpty();
    }

    @Test
    void withoutAnyWayToIdentifyTheClientTheErrorSaysHowToRegisterOne() {
        as1.metadata.remove("registration_endpoint");
        try (OAuthServerGrants g = grants()) {
            assertThatThrownBy(() -> g.token(server, meta(as1), Set.of(), Set.of(), true))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ConnectorException.Kind.CONFIGURATION);
                        assertThat(e.getMessage()).contains("xaa server add notes", "--client-id");
                    });
        }
        assertThat(as1.authorizations()).isEmpty();
    }

    @Test
    void aRefusedRegistrationIsAClearConfigurationError() {
        as1.register = json(400, "{\"error\":\"invalid_redirect_uri\",\"error_description\":\"loopback not allowed\"}");
        try (OAuthServerGrants g = grants()) {
            assertThatThrownBy(() -> g.token(server, meta(as1), Set.of(), Set.of(), true))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ConnectorException.Kind.CONFIGURATION);
                        assertThat(e.getMessage()).contains("invalid_redirect_uri", "loopback not allowed");
                    });
        }
        assertThat(as1.authorizations()).isEmpty();
    }

    // ---- token endpoint client authentication ---------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"client_secret_basic", "client_secret_post", "none"})
    void theClientAuthenticatesAsTheServerAdvertises(String method) {
        as1.metadata.put("token_endpoint_auth_methods_supported", List.of(method));
        as1.register = json(201, "{\"client_id\":\"dcr-id\"" + (method.equals("none") ? "" : ",\"client_secret\":\"dcr-SECRET\"")
                + ",\"token_endpoint_auth_method\":\"" + method + "\"}");
        try (OAuthServerGrants g = grants()) {
            g.token(server, meta(as1), Set.of(), Set.of(), true);
        }
        var dcrBody = as1.requests("register").get(0).getBody().utf8();
        assertThat(dcrBody).contains("\"token_endpoint_auth_method\":\"" + (method.equals("none") ? "none" : method) + "\"");
        RecordedRequest token = as1.requests("token").get(0);
        Map<String, String> form = FakeAuthorizationServer.form(token);
        switch (method) {
            case "client_secret_basic" -> {
                assertThat(token.getHeaders().get("Authorization")).isEqualTo("Basic "
                        + Base64.getEncoder().encodeToString("dcr-id:dcr-SECRET".getBytes(StandardCharsets.UTF_8)));
                assertThat(form).doesNotContainKey("client_secret");
            }
            case "client_secret_post" -> {
                assertThat(token.getHeaders().get("Authorization")).isNull();
                assertThat(form).containsEntry("client_id", "dcr-id").containsEntry("client_secret", "dcr-SECRET");
            }
            default -> {
                assertThat(token.getHeaders().get("Authorization")).isNull();
                assertThat(form).containsEntry("client_id", "dcr-id").doesNotContainKey("client_secret");
            }
        }
    }

    @Test
    void privateKeyJwtAssertionsAreAddressedToTheIssuer() throws Exception {
        as1.metadata.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "private_key_jwt"));
        String key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate().toJSONString();
        ClientCredentialsSource creds = new ClientCredentialsSource() {
            @Override
            public Optional<String> clientSecret(String issuer, String clientId) {
                return Optional.empty();
            }

            @Override
            public Optional<String> signingKey(String issuer, String clientId) {
                return issuer.equals(as1.issuer) ? Optional.of(key) : Optional.empty();
            }
        };
        try (OAuthServerGrants g = grants(creds, Optional.empty())) {
            g.token(server.withOAuthClientId("jwt-client"), meta(as1), Set.of(), Set.of(), true);
        }
        Map<String, String> form = as1.tokenForms().get(0);
        assertThat(form).containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        var claims = SignedJWT.parse(form.get("client_assertion")).getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly(as1.issuer);
        assertThat(claims.getIssuer()).isEqualTo("jwt-client");
        assertThat(claims.getSubject()).isEqualTo("jwt-client");
    }

    // ---- scopes -----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mcp:basic|mcp:a mcp:b|mcp:basic",   // the challenge's scope first
            "|mcp:a mcp:b|mcp:a mcp:b",          // else all of PRM scopes_supported
            "||"})                               // else no scope parameter
    void theScopeComesFromTheChallengeElseScopesSupportedElseIsOmitted(String challenged, String supported, String expected) {
        ServerMetadata m = as1.meta(resource, supported == null ? List.of() : List.of(supported.split(" ")), Optional.ofNullable(challenged));
        try (OAuthServerGrants g = grants()) {
            g.token(server, m, Set.of(), Set.of(), true);
        }
        Map<String, String> authz = as1.authorizations().get(0);
        if (expected == null) {
            assertThat(authz).doesNotContainKey("scope");
        } else {
            assertThat(authz).containsEntry("scope", expected);
        }
    }

    @ParameterizedTest
    @CsvSource({"true", "false"})
    void offlineAccessIsRequestedOnlyWhenTheServerAdvertisesIt(boolean advertised) {
        as1.metadata.put("scopes_supported", advertised ? List.of("mcp:basic", "offline_access") : List.of("mcp:basic", "mcp:read"));
        try (OAuthServerGrants g = grants()) {
            g.token(server, as1.meta(resource, List.of("mcp:basic"), Optional.empty()), Set.of(), Set.of(), true);
        }
        assertThat(as1.authorizations().get(0)).containsEntry("scope", advertised ? "mcp:basic offline_access" : "mcp:basic");
    }

    // ---- the authorization response (RFC 9207) ------------------------------------------------------------

    @ParameterizedTest(name = "advertised={0} iss={1} → token request {2}")
    @CsvSource({
            "true,CORRECT,true",
            "true,ABSENT,false",
            "false,WRONG,false",
            "false,ABSENT,true",
            "true,WRONG,false",
            "true,NORMALIZED,false"})
    void theIssuerOfTheResponseIsCheckedAsTheSpecTableSays(boolean advertised, FakeAuthorizationServer.Iss iss, boolean proceeds) {
        as1.metadata.put("authorization_response_iss_parameter_supported", advertised);
        as1.iss = iss;
        try (OAuthServerGrants g = grants()) {
            if (proceeds) {
                g.token(server, meta(as1), Set.of(), Set.of(), true);
            } else {
                assertThatThrownBy(() -> g.token(server, meta(as1), Set.of(), Set.of(), true))
                        .isInstanceOfSatisfying(ConnectorException.class, e -> {
                            assertThat(e.kind()).isEqualTo(ConnectorException.Kind.SIGN_IN_FAILED);
                            assertThat(e.getMessage()).contains(as1.issuer).contains(iss == FakeAuthorizationServer.Iss.ABSENT ? "lacks" : "names");
                        });
                assertThat(browser.callbackStatus).containsExactly(400);
            }
        }
        assertThat(as1.authorizations()).hasSize(1);
        assertThat(as1.requests("token")).hasSize(proceeds ? 1 : 0);
    }

    @Test
    void anErrorIsReadOnlyAfterTheIssuerAndSendsNoTokenRequest() {
        as1.authorizeError = "access_denied";
        try (OAuthServerGrants g = grants()) {
            assertThatThrownBy(() -> g.token(server, meta(as1), Set.of(), Set.of(), true))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.oauthError()).contains("access_denied"));
            as1.iss = FakeAuthorizationServer.Iss.WRONG;
            assertThatThrownBy(() -> g.token(server, meta(as1), Set.of(), Set.of(), true))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.oauthError()).isEmpty());
        }
        assertThat(as1.requests("token")).isEmpty();
    }

    @Test
    void aCallbackOfAnotherFlowIsIgnoredAndTheRightOneCompletes() {
        browser.strayState = "not-this-flow";
        try (OAuthServerGrants g = grants()) {
            g.token(server, meta(as1), Set.of(), Set.of(), true);
        }
        assertThat(browser.callbackStatus).containsExactly(400, 200);
        assertThat(as1.requests("token")).hasSize(1);
    }

    @Test
    void legacyServersNeedNeitherPkceMetadataNorIssButPrmServersNeedS256() {
        as1.metadata.remove("code_challenge_methods_supported");
        as1.metadata.remove("authorization_response_iss_parameter_supported");
        as1.iss = FakeAuthorizationServer.Iss.ABSENT;
        try (OAuthServerGrants g = grants()) {
            g.token(server, as1.meta(resource, List.of(), Optional.empty(), ServerMetadata.Source.LEGACY_DEFAULTS), Set.of(), Set.of(), true);
            assertThat(as1.authorizations().get(0)).containsEntry("code_challenge_method", "S256");
            assertThatThrownBy(() -> g.signIn(server, meta(as1), Set.of()))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.getMessage()).contains("S256"));
        }
        assertThat(as1.authorizations()).hasSize(1);
    }

    @Test
    void aTokenAnswerWithoutExpiryOrScopeGetsTheRequestedScopesAndAShortLifetime() {
        as1.token = form -> json(200, "{\"access_token\":\"AT-SECRET-x\",\"token_type\":\"BeArEr\"}");
        try (OAuthServerGrants g = grants()) {
            TokenFetcher.Fetched f = g.token(server, as1.meta(resource, List.of("mcp:a"), Optional.empty()), Set.of(), Set.of(), true);
            assertThat(f.token().tokenType()).isEqualTo("Bearer");
            assertThat(f.token().scopes()).containsExactly("mcp:a");
            assertThat(f.token().expiresAt()).isBefore(java.time.Instant.now().plus(Duration.ofMinutes(6)));
            assertThat(g.hasGrant("notes")).isTrue(); // the access token of the sign-in, no refresh token
            assertThat(new ServerGrantStore(store).grant("notes")).isEmpty();
        }
    }

    // ---- hostile answers ---------------------------------------------------------------------------------

    @Test
    void aHugeIssuerWithControlCharactersIsRejectedWithABoundedMessage() {
        as1.iss = FakeAuthorizationServer.Iss.WRONG;
        as1.metadata.put("issuer", as1.issuer); // unchanged; the response names another
        String evil = "https://evil.example.com/" + "x\u001b[2J".repeat(1000);
        routes.on("GET /as1/authorize", r -> {
            Map<String, String> q = FakeAuthorizationServer.query(r.getUrl().encodedQuery());
            return new mockwebserver3.MockResponse.Builder().code(302).addHeader("Location", q.get("redirect_uri")
                    + "?state=" + FakeAuthorizationServer.enc(q.get("state")) + "&code=CODE-SECRET-1&iss="
                    + FakeAuthorizationServer.enc(evil)).build();
        });
        try (OAuthServerGrants g = grants()) {
            assertThatThrownBy(() -> g.token(server, meta(as1), Set.of(), Set.of(), true))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.getMessage()).hasSizeLessThan(1000).doesNotContain("\u001b").doesNotContain("CODE-SECRET");
                    });
        }
        assertThat(as1.requests("token")).isEmpty();
    }

    @Test
    void aRegistrationAnswerThatIsNotJsonIsAClearError() {
        as1.register = new mockwebserver3.MockResponse.Builder().code(200).addHeader("Content-Type", "text/html")
                .body("<html>login</html>").build();
        try (OAuthServerGrants g = grants()) {
            assertThatThrownBy(() -> g.token(server, meta(as1), Set.of(), Set.of(), true))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ConnectorException.Kind.CONFIGURATION);
                        assertThat(e.getMessage()).contains("refused to register", "HTTP 200");
                    });
        }
        assertThat(as1.authorizations()).isEmpty();
    }

    @Test
    void aTokenEndpointAnsweringHtmlFailsTheSignInWithoutEchoingTheCode() {
        as1.token = form -> new mockwebserver3.MockResponse.Builder().code(200).addHeader("Content-Type", "text/html")
                .body("<html>" + form.get("code") + "</html>").build();
        try (OAuthServerGrants g = grants()) {
            assertThatThrownBy(() -> g.token(server, meta(as1), Set.of(), Set.of(), true))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ConnectorException.Kind.UPSTREAM_UNAVAILABLE);
                        assertThat(e.getMessage()).doesNotContain("CODE-SECRET");
                    });
        }
        assertThat(browser.callbackStatus).containsExactly(400);
        assertThat(new ServerGrantStore(store).grant("notes")).isEmpty();
    }

    @Test
    void invalidClientAtTheTokenEndpointDropsTheDynamicRegistration() {
        as1.token = form -> json(401, "{\"error\":\"invalid_client\"}");
        try (OAuthServerGrants g = grants()) {
            assertThatThrownBy(() -> g.token(server, meta(as1), Set.of(), Set.of(), true))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.oauthError()).contains("invalid_client"));
            assertThat(new ServerGrantStore(store).registration(as1.issuer)).isEmpty();
            as1.token = form -> json(200, as1.tokens(null));
            g.token(server, meta(as1), Set.of(), Set.of(), true);
        }
        assertThat(as1.requests("register")).hasSize(2);
    }

    // ---- storage, refresh, migration ---------------------------------------------------------------------

    @Test
    void aRotatedRefreshTokenIsPersistedAndUsedNext() {
        try (OAuthServerGrants g = grants()) {
            g.token(server, meta(as1), Set.of(), Set.of(), true);
            String rt1 = new ServerGrantStore(store).grant("notes").orElseThrow().refreshToken();
            TokenFetcher.Fetched refreshed = g.token(server, meta(as1), Set.of(), Set.of(), false);
            Map<String, String> form = as1.tokenForms().get(1);
            assertThat(form).containsEntry("grant_type", "refresh_token").containsEntry("refresh_token", rt1)
                    .containsEntry("resource", resource);
            String rt2 = new ServerGrantStore(store).grant("notes").orElseThrow().refreshToken();
            assertThat(rt2).isNotEqualTo(rt1);
            assertThat(refreshed.token().value()).isNotEqualTo(rt2).startsWith("AT-SECRET");
            g.token(server, meta(as1), Set.of(), Set.of(), false);
            assertThat(as1.tokenForms().get(2)).containsEntry("refresh_token", rt2);
        }
        assertThat(as1.authorizations()).hasSize(1);
    }

    @Test
    void aRefreshTokenRotatedByAnotherProcessIsReReadBeforeRefreshing() {
        try (OAuthServerGrants first = grants(); OAuthServerGrants second = grants()) {
            first.token(server, meta(as1), Set.of(), Set.of(), true);
            second.token(server, meta(as1), Set.of(), Set.of(), false); // rotates RT1 → RT2 in the shared store
            String rt2 = new ServerGrantStore(store).grant("notes").orElseThrow().refreshToken();
            first.token(server, meta(as1), Set.of(), Set.of(), false);
            List<Map<String, String>> forms = as1.tokenForms();
            assertThat(forms.get(2).get("refresh_token")).isEqualTo(rt2).isNotEqualTo(forms.get(1).get("refresh_token"));
        }
    }

    @Test
    void aRefreshTokenRotatedAwayWhileRefreshingIsRetriedOnceWithTheStoredOne() {
        ServerGrantStore rows = new ServerGrantStore(store);
        try (OAuthServerGrants g = grants()) {
            g.token(server, meta(as1), Set.of(), Set.of(), true);
            ServerGrantStore.Grant before = rows.grant("notes").orElseThrow();
            as1.token = form -> {
                if (form.get("refresh_token").equals(before.refreshToken())) { // another process won the race
                    rows.saveGrant("notes", new ServerGrantStore.Grant(before.issuer(), before.clientId(), before.resource(),
                            "RT-SECRET-other-process", before.granted(), before.requested()));
                    return json(400, "{\"error\":\"invalid_grant\"}");
                }
                return json(200, as1.tokens(null));
            };
            g.token(server, meta(as1), Set.of(), Set.of(), false);
        }
        assertThat(as1.tokenForms()).extracting(f -> f.get("refresh_token")).last().isEqualTo("RT-SECRET-other-process");
        assertThat(rows.grant("notes").orElseThrow().refreshToken()).isNotIn(before(), "RT-SECRET-other-process");
    }

    private String before() {
        return as1.tokenForms().get(1).get("refresh_token");
    }

    @Test
    void invalidGrantDeletesTheGrantAndAsksForASignIn() {
        try (OAuthServerGrants g = grants()) {
            g.token(server, meta(as1), Set.of(), Set.of(), true);
            as1.token = form -> json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"revoked\"}");
            assertThat(g.hasGrant("notes")).isTrue();
            assertThatThrownBy(() -> g.token(server, meta(as1), Set.of(), Set.of(), false))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED);
                        assertThat(e.getMessage()).contains("xaa login notes");
                    });
            assertThat(new ServerGrantStore(store).grant("notes")).isEmpty();
        }
    }

    @Test
    void invalidGrantWithABrowserAtHandSignsInAgain() {
        try (OAuthServerGrants g = grants()) {
            g.token(server, meta(as1), Set.of(), Set.of(), true);
            as1.token = form -> form.get("grant_type").equals("refresh_token")
                    ? json(400, "{\"error\":\"invalid_grant\"}") : json(200, as1.tokens(null));
            assertThat(g.token(server, meta(as1), Set.of(), Set.of(), true).token().value()).startsWith("AT-SECRET");
        }
        assertThat(as1.authorizations()).hasSize(2);
        assertThat(as1.tokenForms()).extracting(f -> f.get("grant_type"))
                .containsExactly("authorization_code", "refresh_token", "authorization_code");
    }

    @Test
    void aServerErrorKeepsTheGrant() {
        try (OAuthServerGrants g = grants()) {
            g.token(server, meta(as1), Set.of(), Set.of(), true);
            as1.token = form -> json(503, "{}");
            assertThatThrownBy(() -> g.token(server, meta(as1), Set.of(), Set.of(), false))
                    .isInstanceOfSatisfying(ConnectorException.class,
                            e -> assertThat(e.kind()).isEqualTo(ConnectorException.Kind.UPSTREAM_UNAVAILABLE));
            assertThat(new ServerGrantStore(store).grant("notes")).isPresent();
        }
    }

    @Test
    void withoutAGrantANonInteractiveRequestAsksForASignIn() {
        try (OAuthServerGrants g = grants()) {
            assertThat(g.hasGrant("notes")).isFalse();
            assertThatThrownBy(() -> g.token(server, meta(as1), Set.of(), Set.of(), false))
                    .isInstanceOfSatisfying(ConnectorException.class,
                            e -> assertThat(e.kind()).isEqualTo(ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED));
        }
        assertThat(as1.requests()).isEmpty();
        assertThat(browser.opened).isEmpty();
    }

    @Test
    void anAuthorizationServerMigrationRegistersAnewAndNeverLeaksTheOldCredentials() {
        as1.register = json(201, "{\"client_id\":\"as1-client-id-LEAKED-IF-SEEN-AT-AS2\",\"client_secret\":\"as1-SECRET\","
                + "\"token_endpoint_auth_method\":\"client_secret_post\"}");
        as1.metadata.put("token_endpoint_auth_methods_supported", List.of("client_secret_post", "none"));
        try (OAuthServerGrants g = grants()) {
            g.token(server, meta(as1), Set.of(), Set.of(), true);
            String rt1 = new ServerGrantStore(store).grant("notes").orElseThrow().refreshToken();
            assertThatThrownBy(() -> g.token(server, meta(as2), Set.of(), Set.of(), false)) // AS1's grant is not used at AS2
                    .isInstanceOfSatisfying(ConnectorException.class,
                            e -> assertThat(e.kind()).isEqualTo(ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED));
            assertThat(g.token(server, meta(as2), Set.of(), Set.of(), true).token().value()).startsWith("AT-SECRET-as2");
            for (RecordedRequest r : as2.requests()) {
                String everything = r.getUrl() + " " + r.getHeaders() + " " + (r.getBody() == null ? "" : r.getBody().utf8());
                assertThat(everything).doesNotContain("LEAKED", "as1-SECRET", rt1, "AT-SECRET-as1");
            }
            assertThat(as2.requests("register")).hasSize(1);
            assertThat(new ServerGrantStore(store).grant("notes").orElseThrow().issuer()).isEqualTo(as2.issuer);
        }
    }

    // ---- step-up -----------------------------------------------------------------------------------------

    @Test
    void stepUpAsksForTheUnionAndStopsAfterThreeAuthorizationRequests() {
        as1.token = form -> json(200, as1.tokens("mcp:basic")); // the AS never grants mcp:admin
        ServerMetadata m = as1.meta(resource, List.of("mcp:decoy"), Optional.of("mcp:basic"));
        try (OAuthServerGrants g = grants()) {
            g.token(server, m, Set.of(), Set.of(), true);
            g.token(server, m, Set.of("mcp:admin"), Set.of("mcp:admin"), true);
            g.token(server, m, Set.of("mcp:admin"), Set.of("mcp:admin"), true);
            assertThatThrownBy(() -> g.token(server, m, Set.of("mcp:admin"), Set.of("mcp:admin"), true))
                    .isInstanceOfSatisfying(ScopeDeniedException.class, e -> assertThat(e.scopes()).contains("mcp:admin"));
        }
        List<Map<String, String>> authz = as1.authorizations();
        assertThat(authz).hasSize(3);
        assertThat(authz.get(0)).containsEntry("scope", "mcp:basic");
        assertThat(authz.get(1).get("scope").split(" ")).containsExactlyInAnyOrder("mcp:basic", "mcp:admin");
        assertThat(authz).allSatisfy(a -> assertThat(a.get("scope")).doesNotContain("mcp:decoy"));
    }

    @Test
    void stepUpStopsWhenTheTokenAlreadyHadTheChallengedScopes() {
        ServerMetadata m = as1.meta(resource, List.of(), Optional.of("mcp:basic"));
        try (OAuthServerGrants g = grants()) {
            g.token(server, m, Set.of(), Set.of(), true);
            g.token(server, m, Set.of("mcp:write"), Set.of("mcp:write"), true); // granted = requested (no scope in answer)
            assertThatThrownBy(() -> g.token(server, m, Set.of("mcp:write"), Set.of("mcp:write"), true))
                    .isInstanceOf(ScopeDeniedException.class);
        }
        assertThat(as1.authorizations()).hasSize(2);
    }

    @Test
    void aStepUpTheServerRefusesWithInvalidScopeIsScopeDenied() {
        try (OAuthServerGrants g = grants()) {
            g.token(server, meta(as1), Set.of(), Set.of(), true);
            as1.authorizeError = "invalid_scope";
            assertThatThrownBy(() -> g.token(server, meta(as1), Set.of("mcp:admin"), Set.of("mcp:admin"), true))
                    .isInstanceOfSatisfying(ScopeDeniedException.class, e -> {
                        assertThat(e.scopes()).containsExactly("mcp:admin");
                        assertThat(e.oauthError()).contains("invalid_scope");
                    });
        }
        assertThat(as1.requests("token")).hasSize(1);
    }

    @Test
    void aStepUpWithoutABrowserAsksForASignInNamingTheScopes() {
        try (OAuthServerGrants g = grants()) {
            g.token(server, meta(as1), Set.of(), Set.of(), true);
            assertThatThrownBy(() -> g.token(server, meta(as1), Set.of("mcp:write"), Set.of("mcp:write"), false))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED);
                        assertThat(e.getMessage()).contains("mcp:write");
                    });
        }
        assertThat(as1.authorizations()).hasSize(1);
    }

    @RepeatedTest(5)
    void concurrentRequestsForOneServerOpenOneBrowser() throws Exception {
        try (OAuthServerGrants g = grants()) {
            var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
            try {
                List<java.util.concurrent.Future<TokenFetcher.Fetched>> all = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    all.add(pool.submit(() -> g.token(server, meta(as1), Set.of(), Set.of(), true)));
                }
                for (var f : all) {
                    assertThat(f.get(30, TimeUnit.SECONDS).token().value()).startsWith("AT-SECRET");
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(as1.authorizations()).hasSize(1);
        assertThat(as1.requests("register")).hasSize(1);
    }

    // ---- sign-out ----------------------------------------------------------------------------------------

    @Test
    void signOutRevokesTheRefreshTokenThenTheAccessTokenAndDeletesTheRows() {
        as1.metadata.put("revocation_endpoint", as1.issuer + "/revoke");
        try (OAuthServerGrants g = grants()) {
            TokenFetcher.Fetched f = g.signIn(server, meta(as1), Set.of());
            String rt = new ServerGrantStore(store).grant("notes").orElseThrow().refreshToken();
            g.signOut(server, Optional.of(meta(as1)));
            List<Map<String, String>> revoked = as1.requests("revoke").stream().map(FakeAuthorizationServer::form).toList();
            assertThat(revoked).hasSize(2);
            assertThat(revoked.get(0)).containsEntry("token", rt).containsEntry("token_type_hint", "refresh_token")
                    .containsEntry("client_id", "as1-client-id");
            assertThat(revoked.get(1)).containsEntry("token", f.token().value()).containsEntry("token_type_hint", "access_token");
            assertThat(g.hasGrant("notes")).isFalse();
            assertThat(new ServerGrantStore(store).grant("notes")).isEmpty();
        }
    }

    @Test
    void signOutDeletesTheGrantEvenWhenRevocationFails() {
        as1.metadata.put("revocation_endpoint", "http://127.0.0.1:1/revoke");
        try (OAuthServerGrants g = grants()) {
            g.signIn(server, meta(as1), Set.of());
            g.signOut(server, Optional.of(meta(as1)));
            assertThat(g.hasGrant("notes")).isFalse();
        }
    }

    /** Copies what is written to two streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
