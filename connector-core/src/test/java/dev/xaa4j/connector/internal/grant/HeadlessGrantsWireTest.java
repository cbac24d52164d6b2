package dev.xaa4j.connector.internal.grant;

import static dev.xaa4j.connector.testing.Routes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.internal.headless.HeadlessFlows;
import dev.xaa4j.connector.testing.Routes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The headless grants on the wire (MockWebServer as MCP server + AS, real discovery, the real token cache): client
 * credentials with {@code client_secret_basic}, {@code _post} and {@code private_key_jwt} (aud = issuer, no
 * {@code client_id} parameter), workload jwt-bearer with the JWT from a supplier, a file (read fresh per request) and a
 * command; after {@code invalid_grant}/{@code invalid_scope}/{@code unauthorized_client} exactly one token request, no
 * authorization or registration request, no other grant; no secret or JWT in messages, status or log.
 */
@Timeout(30)
class HeadlessGrantsWireTest {

    private static final String SECRET = "CC-SECRET-value";
    private static final String JWT_A = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ3b3JrbG9hZC1BIn0.WL-SECRET-A";
    private static final String JWT_B = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ3b3JrbG9hZC1CIn0.WL-SECRET-B";

    @StartStop
    private final MockWebServer web = new MockWebServer();
    private final Routes routes = new Routes();
    @TempDir
    Path tmp;
    private Connector connector;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private volatile MockResponse tokenAnswer;

    @BeforeEach
    void setUp() {
        originalErr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        tokenAnswer = json(200, "{\"access_token\":\"AT-SECRET-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
    }

    @AfterEach
    void tearDown() {
        if (connector != null) {
            connector.close();
        }
        System.setErr(originalErr);
        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain(SECRET).doesNotContain("WL-SECRET").doesNotContain("AT-SECRET");
    }

    private String base() {
        return "http://" + web.getHostName() + ":" + web.getPort();
    }

    /** An MCP server with PRM and an AS that lists {@code authMethods} and the two headless grants. */
    private void server(String authMethods) {
        web.setDispatcher(routes);
        routes.on("POST /mcp", new MockResponse.Builder().code(401).addHeader("WWW-Authenticate",
                        "Bearer resource_metadata=\"" + base() + "/.well-known/oauth-protected-resource/mcp\"").body("").build())
                .on("GET /.well-known/oauth-protected-resource/mcp", json(200, "{\"resource\":\"" + base() + "/mcp\","
                        + "\"authorization_servers\":[\"" + base() + "\"]}"))
                .on("GET /.well-known/oauth-authorization-server", json(200, "{\"issuer\":\"" + base() + "\","
                        + "\"authorization_endpoint\":\"" + base() + "/authorize\",\"token_endpoint\":\"" + base() + "/token\","
                        + "\"response_types_supported\":[\"code\"],\"code_challenge_methods_supported\":[\"S256\"],"
                        + "\"grant_types_supported\":[\"client_credentials\",\"urn:ietf:params:oauth:grant-type:jwt-bearer\"],"
                        + "\"token_endpoint_auth_methods_supported\":[" + authMethods + "]}"))
                .on("POST /token", r -> tokenAnswer);
    }

    private Connector build(ServerConfig config, ClientCredentialsSource credentials, Map<String, Supplier<String>> jwts) {
        Connector.Builder b = Connector.builder().server(config).sessionInMemory(true).clientCredentials(credentials)
                .stateDir(tmp.resolve("state")).journal(false);
        jwts.forEach(b::workloadToken);
        connector = b.build();
        return connector;
    }

    private ServerConfig config(AuthMode mode, String clientId) {
        ServerConfig c = ServerConfig.of("svc", URI.create(base() + "/mcp"), "", ClientAuthMethod.NONE).withAuth(mode);
        return clientId == null ? c : c.withOAuthClientId(clientId);
    }

    private List<RecordedRequest> tokenRequests() {
        return routes.requests().stream().filter(r -> r.getUrl().encodedPath().equals("/token")).toList();
    }

    private void assertNoInteractiveOrOtherGrant() {
        assertThat(routes.seen()).noneMatch(s -> s.contains("/authorize") || s.contains("/register"));
    }

    @Test
    void clientCredentialsWithBasicSendsTheGrantTheResourceAndNoClientIdInTheBody() {
        server("\"client_secret_basic\",\"private_key_jwt\"");
        Connector c = build(config(AuthMode.CLIENT_CREDENTIALS, "agent-1").withScopes(List.of("notes:read")),
                ClientCredentialsSource.ofSecrets(Map.of("agent-1", SECRET)), Map.of());

        assertThat(c.token("svc").value()).isEqualTo("AT-SECRET-1");

        RecordedRequest r = tokenRequests().get(0);
        assertThat(r.getHeaders().get("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString(("agent-1:" + SECRET).getBytes(StandardCharsets.UTF_8)));
        assertThat(GrantWireTest.form(r)).containsEntry("grant_type", "client_credentials").containsEntry("resource", base() + "/mcp")
                .containsEntry("scope", "notes:read").doesNotContainKeys("client_id", "client_secret", "assertion");
        ServerStatus status = c.status().servers().get("svc");
        assertThat(status.flow()).isEqualTo(AuthMode.CLIENT_CREDENTIALS);
        assertThat(status.flowReason()).hasValueSatisfying(s -> assertThat(s).contains("client credentials").contains("agent-1"));
        assertThat(status.toString()).doesNotContain(SECRET).doesNotContain("AT-SECRET");
        assertNoInteractiveOrOtherGrant();
    }

    @Test
    void clientCredentialsWithPostWhenTheServerListsOnlyPost() {
        server("\"client_secret_post\"");
        Connector c = build(config(AuthMode.CLIENT_CREDENTIALS, "agent-1"),
                ClientCredentialsSource.ofSecrets(Map.of("agent-1", SECRET)), Map.of());

        c.token("svc");

        Map<String, String> form = GrantWireTest.form(tokenRequests().get(0));
        assertThat(form).containsEntry("client_id", "agent-1").containsEntry("client_secret", SECRET)
                .containsEntry("grant_type", "client_credentials").doesNotContainKey("scope");
        assertThat(tokenRequests().get(0).getHeaders().get("Authorization")).isNull();
    }

    @Test
    void clientCredentialsWithPrivateKeyJwtAddressesTheAssertionToTheIssuerAndSendsNoClientId() throws Exception {
        server("\"private_key_jwt\"");
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        ClientCredentialsSource credentials = new ClientCredentialsSource() {
            @Override
            public Optional<String> clientSecret(String issuer, String clientId) {
                return Optional.empty();
            }

            @Override
            public Optional<String> signingKey(String issuer, String clientId) {
                return issuer.equals(base()) && clientId.equals("agent-1") ? Optional.of(key.toJSONString()) : Optional.empty();
            }
        };
        Connector c = build(config(AuthMode.CLIENT_CREDENTIALS, "agent-1"), credentials, Map.of());

        c.token("svc");

        Map<String, String> form = GrantWireTest.form(tokenRequests().get(0));
        assertThat(form).containsEntry("grant_type", "client_credentials")
                .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                .doesNotContainKey("client_id");
        SignedJWT assertion = SignedJWT.parse(form.get("client_assertion"));
        assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(assertion.verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();
        assertThat(assertion.getJWTClaimsSet().getAudience()).containsExactly(base());
        assertThat(assertion.getJWTClaimsSet().getIssuer()).isEqualTo("agent-1");
        assertThat(assertion.getJWTClaimsSet().getSubject()).isEqualTo("agent-1");
    }

    @Test
    void clientCredentialsWithoutSecretOrKeySaysWhatToStoreAndSendsNothing() {
        server("\"client_secret_basic\"");
        Connector c = build(config(AuthMode.CLIENT_CREDENTIALS, "agent-1"), ClientCredentialsSource.none(), Map.of());

        assertThatThrownBy(() -> c.token("svc")).isInstanceOf(ConnectorException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("xaa secret set as-client-secret svc");
        assertThat(tokenRequests()).isEmpty();
    }

    @Test
    void workloadSendsTheSuppliedJwtWithoutClientAuthAndAsksForItAgainForEveryRequest() {
        server("\"none\"");
        List<String> jwts = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(JWT_A, JWT_B));
        ServerConfig cfg = config(AuthMode.WORKLOAD, null);
        HeadlessFlows flows = new HeadlessFlows(Clock.systemUTC(), Duration.ofSeconds(5), ClientCredentialsSource.none(),
                Map.of("svc", () -> jwts.remove(0)), null);
        Connector c = build(cfg, ClientCredentialsSource.none(), Map.of("svc", () -> JWT_A));

        c.token("svc");
        var meta = new dev.xaa4j.connector.internal.discovery.Discovery(Clock.systemUTC(), Duration.ZERO, Duration.ofSeconds(5))
                .server(cfg.url(), Optional.empty());
        flows.fetch(cfg, meta, Set.of());
        flows.fetch(cfg, meta, Set.of());

        List<Map<String, String>> forms = tokenRequests().stream().map(GrantWireTest::form).toList();
        assertThat(forms).extracting(f -> f.get("assertion")).containsExactly(JWT_A, JWT_A, JWT_B);
        assertThat(forms.get(0)).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
                .containsEntry("resource", base() + "/mcp").doesNotContainKeys("client_id", "client_assertion", "scope");
        assertThat(tokenRequests()).allSatisfy(r -> assertThat(r.getHeaders().get("Authorization")).isNull());
        assertThat(c.status().servers().get("svc").flow()).isEqualTo(AuthMode.WORKLOAD);
        assertNoInteractiveOrOtherGrant();
    }

    @Test
    void workloadReadsTheFileAfreshForEachTokenRequestAndSendsTheConfiguredClientId() throws Exception {
        server("\"none\"");
        Path file = tmp.resolve("token");
        Files.writeString(file, JWT_A + "\n");
        ServerConfig cfg = config(AuthMode.WORKLOAD, "wl-client").withWorkloadToken(("file:" + file));
        HeadlessFlows flows = new HeadlessFlows(Clock.systemUTC(), Duration.ofSeconds(5), ClientCredentialsSource.none(), Map.of(), null);
        var meta = new dev.xaa4j.connector.internal.discovery.Discovery(Clock.systemUTC(), Duration.ZERO, Duration.ofSeconds(5))
                .server(cfg.url(), Optional.empty());

        flows.fetch(cfg, meta, Set.of());
        Files.writeString(file, JWT_B);
        flows.fetch(cfg, meta, Set.of());

        List<Map<String, String>> forms = tokenRequests().stream().map(GrantWireTest::form).toList();
        assertThat(forms).extracting(f -> f.get("assertion")).containsExactly(JWT_A, JWT_B);
        assertThat(forms).allSatisfy(f -> assertThat(f).containsEntry("client_id", "wl-client"));
    }

    @Test
    void workloadRunsTheCommandWithoutAShellAndNeverEchoesItsStandardError() throws Exception {
        server("\"none\"");
        Path file = tmp.resolve("token");
        Files.writeString(file, JWT_A);
        Path failing = tmp.resolve("fails.sh");
        Files.writeString(failing, "#!/bin/sh\necho WL-SECRET-stderr >&2\nexit 3\n");
        Files.setPosixFilePermissions(failing, PosixFilePermissions.fromString("rwx------"));
        ServerConfig cfg = config(AuthMode.WORKLOAD, null);
        HeadlessFlows flows = new HeadlessFlows(Clock.systemUTC(), Duration.ofSeconds(5), ClientCredentialsSource.none(), Map.of(), null);
        var meta = new dev.xaa4j.connector.internal.discovery.Discovery(Clock.systemUTC(), Duration.ZERO, Duration.ofSeconds(5))
                .server(cfg.url(), Optional.empty());

        flows.fetch(cfg.withWorkloadToken(("command:cat " + file)), meta, Set.of());

        assertThat(GrantWireTest.form(tokenRequests().get(0))).containsEntry("assertion", JWT_A);
        assertThatThrownBy(() -> flows.fetch(cfg.withWorkloadToken(("command:" + failing)), meta, Set.of()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("exited with status 3").hasMessageNotContaining("WL-SECRET");
        assertThatThrownBy(() -> flows.fetch(cfg.withWorkloadToken(("env:TOKEN")), meta, Set.of()))
                .hasMessageContaining("file:PATH or command:COMMAND");
        assertThat(tokenRequests()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"invalid_grant", "invalid_scope", "unauthorized_client"})
    void aRefusedWorkloadTokenIsReportedOnceWithNoSecondAttemptAndNoOtherGrant(String error) {
        server("\"none\",\"client_secret_basic\"");
        tokenAnswer = json(400, "{\"error\":\"" + error + "\",\"error_description\":\"refused\"}");
        Connector c = build(config(AuthMode.WORKLOAD, "agent-1"),
                ClientCredentialsSource.ofSecrets(Map.of("agent-1", SECRET)), Map.of("svc", () -> JWT_A));

        ConnectorException first = org.junit.jupiter.api.Assertions.assertThrows(ConnectorException.class, () -> c.token("svc"));
        ConnectorException second = org.junit.jupiter.api.Assertions.assertThrows(ConnectorException.class, () -> c.token("svc"));

        assertThat(first.kind()).isEqualTo(error.equals("invalid_grant") ? ConnectorException.Kind.ACCESS_DENIED
                : ConnectorException.Kind.CONFIGURATION);
        assertThat(first.oauthError()).contains(error);
        assertThat(first.getMessage()).contains("workload's administrator").doesNotContain("WL-SECRET");
        assertThat(second.kind()).isEqualTo(first.kind());
        assertThat(tokenRequests()).as("exactly one jwt-bearer request, then the denial is held").hasSize(1);
        assertThat(GrantWireTest.form(tokenRequests().get(0))).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        assertNoInteractiveOrOtherGrant();
        assertThat(c.status().servers().get("svc").flow()).isEqualTo(AuthMode.WORKLOAD);
        assertThat(c.status().toString()).doesNotContain("WL-SECRET");
    }

    @Test
    void aWorkloadTokenRefusedAsReplayedOrExpiredTellsToGetAFreshOne() {
        // An AS may take each workload JWT only once (RFC 7523 §3 jti); the advice must not send the user to check the
        // issuer trust only (found trying `xaa token` then `xaa bridge` with one minted JWT against the sample issuer).
        ConnectorException e = HeadlessGrant.mapWorkload("svc", new com.nimbusds.oauth2.sdk.ErrorObject("invalid_grant",
                "workload JWT jti has already been used; get a fresh token from the workload platform"));

        assertThat(e.kind()).isEqualTo(ConnectorException.Kind.ACCESS_DENIED);
        assertThat(e.getMessage()).contains("jti has already been used").contains("this is not retried")
                .contains("The token source must give a fresh one").contains("may take each token only once")
                .contains("workload's administrator");
    }

    @Test
    void aMissingWorkloadSourceIsAConfigurationErrorThatSaysHowToSetOne() {
        server("\"none\"");
        Connector c = build(config(AuthMode.WORKLOAD, null), ClientCredentialsSource.none(), Map.of());

        assertThatThrownBy(() -> c.token("svc")).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("--workload-token file:PATH");
        assertThat(tokenRequests()).isEmpty();
    }
}
