package dev.xaa4j.connector.internal.signin;

import dev.xaa4j.connector.ConnectorException;
import static dev.xaa4j.connector.testing.Routes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.xaa4j.connector.testing.Routes;
import dev.xaa4j.connector.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code flow against a MockWebServer IdP. The "browser" is a script that records the URL it is given
 * (exercising the real launch path); the test then plays the IdP's redirect to the loopback callback.
 */
class BrowserSignInTest {

    @StartStop
    private final MockWebServer web = new MockWebServer();
    private final Routes routes = new Routes();
    private final TestKeys keys = new TestKeys("k1");
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path tmp;
    private String issuer;
    private Path urlFile;
    private String browserScript;

    @BeforeEach
    void setUp() throws Exception {
        web.setDispatcher(routes);
        issuer = "http://" + web.getHostName() + ":" + web.getPort() + "/idp";
        routes.on("GET /idp/jwks", json(200, keys.jwksJson()));
        urlFile = tmp.resolve("url.txt");
        Path script = tmp.resolve("browser.sh");
        Files.writeString(script, "#!/bin/sh\nprintf '%s' \"$1\" > '" + urlFile + ".tmp' && mv '" + urlFile + ".tmp' '" + urlFile + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        browserScript = script.toString();
    }

    private OIDCProviderMetadata idp(boolean issParameter) throws Exception {
        return OIDCProviderMetadata.parse("{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
                + "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/jwks\","
                + "\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"],\"scopes_supported\":[\"openid\",\"email\",\"offline_access\"],"
                + "\"authorization_response_iss_parameter_supported\":" + issParameter + ","
                + "\"code_challenge_methods_supported\":[\"S256\"]}");
    }

    private SignInOptions options(Duration timeout) {
        return new SignInOptions(List.of("email", "profile"), timeout, "127.0.0.1", browserScript);
    }

    private Map<String, List<String>> awaitAuthorizeUrl() throws Exception {
        await("the browser script was run").atMost(Duration.ofSeconds(20)).until(() -> Files.exists(urlFile));
        URI url = URI.create(Files.readString(urlFile));
        assertThat(url.getPath()).isEqualTo("/idp/authorize");
        return URLUtils.parseParameters(url.getRawQuery());
    }

    private static String p(Map<String, List<String>> params, String name) {
        return params.get(name).get(0);
    }

    private String idToken(String nonce) {
        Instant now = Instant.now();
        return keys.sign(new JWTClaimsSet.Builder().issuer(issuer).subject("alice").audience("client-1")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600))).claim("nonce", nonce).build());
    }

    private HttpResponse<String> callback(Map<String, List<String>> authorize, String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(p(authorize, "redirect_uri") + "?" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void assertPortClosed(int port) {
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void completesTheCodeFlowWithPkceStateNonceAndAConfidentialClient() throws Exception {
        CompletableFuture<SignInResult> f = new BrowserSignIn().start(idp(true), "client-1",
                new ClientSecretBasic(new ClientID("client-1"), new Secret("s3cret")), options(Duration.ofSeconds(30)));
        Map<String, List<String>> a = awaitAuthorizeUrl();

        assertThat(p(a, "response_type")).isEqualTo("code");
        assertThat(p(a, "client_id")).isEqualTo("client-1");
        assertThat(p(a, "scope").split(" ")).containsExactly("openid", "email", "profile", "offline_access");
        assertThat(p(a, "code_challenge_method")).isEqualTo("S256");
        assertThat(p(a, "redirect_uri")).matches("http://127\\.0\\.0\\.1:\\d+/callback");
        assertThat(p(a, "state")).isNotBlank();
        routes.on("POST /idp/token", json(200, "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":600,"
                + "\"refresh_token\":\"rt-1\",\"id_token\":\"" + idToken(p(a, "nonce")) + "\"}"));

        HttpResponse<String> page = callback(a, "code=the-code&state=" + enc(p(a, "state")) + "&iss=" + enc(issuer));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("You are signed in").contains("close this tab");
        SignInResult r = f.get(10, TimeUnit.SECONDS);
        assertThat(r.idTokenClaims().getSubject()).isEqualTo("alice");
        assertThat(r.refreshToken()).contains("rt-1");
        assertThat(r.toString()).doesNotContain("rt-1").doesNotContain(r.idToken());

        RecordedRequest token = routes.requests().stream().filter(q -> q.getUrl().encodedPath().equals("/idp/token")).findFirst().orElseThrow();
        Map<String, List<String>> form = URLUtils.parseParameters(token.getBody().utf8());
        assertThat(p(form, "grant_type")).isEqualTo("authorization_code");
        assertThat(p(form, "code")).isEqualTo("the-code");
        assertThat(p(form, "redirect_uri")).isEqualTo(p(a, "redirect_uri"));
        CodeVerifier verifier = new CodeVerifier(p(form, "code_verifier"));
        assertThat(CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue()).isEqualTo(p(a, "code_challenge"));
        assertThat(token.getHeaders().get("Authorization")).startsWith("Basic ");
        assertPortClosed(URI.create(p(a, "redirect_uri")).getPort());
    }

    @Test
    void aPublicClientSendsOnlyItsClientId() throws Exception {
        CompletableFuture<SignInResult> f = start(idp(false));
        Map<String, List<String>> a = awaitAuthorizeUrl();
        routes.on("POST /idp/token", json(200, "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"id_token\":\""
                + idToken(p(a, "nonce")) + "\"}"));

        callback(a, "code=c&state=" + enc(p(a, "state")));

        assertThat(f.get(10, TimeUnit.SECONDS).refreshToken()).isEmpty();
        RecordedRequest token = routes.requests().stream().filter(q -> q.getUrl().encodedPath().equals("/idp/token")).findFirst().orElseThrow();
        assertThat(token.getHeaders().get("Authorization")).isNull();
        assertThat(p(URLUtils.parseParameters(token.getBody().utf8()), "client_id")).isEqualTo("client-1");
    }

    @Test
    void aWrongStateFailsWithoutRedeemingTheCode() throws Exception {
        CompletableFuture<SignInResult> f = start(idp(false));
        Map<String, List<String>> a = awaitAuthorizeUrl();

        HttpResponse<String> page = callback(a, "code=c&state=forged");

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("Sign-in failed").contains("state mismatch");
        assertSignInFailedWithoutRedeemingTheCode(f, "state mismatch");
    }

    @Test
    void aWrongIssFailsAndAMissingIssFailsWhenTheIdpPromisedIt() throws Exception {
        CompletableFuture<SignInResult> f = start(idp(false));
        Map<String, List<String>> a = awaitAuthorizeUrl();
        callback(a, "code=c&state=" + enc(p(a, "state")) + "&iss=" + enc("https://evil.example"));
        assertSignInFailed(f, "came from 'https://evil.example'");

        Files.delete(urlFile);
        CompletableFuture<SignInResult> g = start(idp(true));
        Map<String, List<String>> b = awaitAuthorizeUrl();
        callback(b, "code=c&state=" + enc(p(b, "state")));
        assertSignInFailedWithoutRedeemingTheCode(g, "lacks the issuer");
    }

    @Test
    void anIdpErrorRedirectBecomesAPlainLanguageFailure() throws Exception {
        CompletableFuture<SignInResult> f = start(idp(false));
        Map<String, List<String>> a = awaitAuthorizeUrl();

        HttpResponse<String> page = callback(a, "error=access_denied&error_description=" + enc("User is not assigned")
                + "&state=" + enc(p(a, "state")));

        assertThat(page.body()).contains("declined or you are not allowed");
        assertSignInFailed(f, "access_denied: User is not assigned");
    }

    @Test
    void aTokenEndpointErrorFailsTheSignIn() throws Exception {
        CompletableFuture<SignInResult> f = start(idp(false));
        Map<String, List<String>> a = awaitAuthorizeUrl();
        routes.on("POST /idp/token", json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"code expired\"}"));

        callback(a, "code=c&state=" + enc(p(a, "state")));

        assertSignInFailed(f, "invalid_grant: code expired");
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aLocalhostRedirectIsAnsweredOverIpv6LoopbackToo() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ipv6LoopbackAvailable(), "this machine has no ::1");
        CompletableFuture<SignInResult> f = new BrowserSignIn().start(idp(false), "client-1", null,
                new SignInOptions(List.of(), Duration.ofSeconds(30), "localhost", browserScript));
        Map<String, List<String>> a = awaitAuthorizeUrl();
        URI redirect = URI.create(p(a, "redirect_uri"));
        assertThat(redirect.getHost()).isEqualTo("localhost");
        routes.on("POST /idp/token", json(200, "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":600,"
                + "\"id_token\":\"" + idToken(p(a, "nonce")) + "\"}"));

        // the browser resolved localhost to ::1
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://[::1]:" + redirect.getPort()
                + "/callback?code=c&state=" + enc(p(a, "state")))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(f.get(10, TimeUnit.SECONDS).idTokenClaims().getSubject()).isEqualTo("alice");
        assertPortClosed(redirect.getPort());
        assertThatThrownBy(() -> new Socket("::1", redirect.getPort()).close()).isInstanceOf(ConnectException.class);
    }

    private static boolean ipv6LoopbackAvailable() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("::1"))) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void timingOutFailsAndClosesThePort() throws Exception {
        CompletableFuture<SignInResult> f = new BrowserSignIn().start(idp(false), "client-1", null, options(Duration.ofMillis(700)));
        int port = URI.create(p(awaitAuthorizeUrl(), "redirect_uri")).getPort();

        assertSignInFailed(f, "not completed within 0.7 s");
        assertPortClosed(port);
    }

    @Test
    void cancellingClosesThePort() throws Exception {
        CompletableFuture<SignInResult> f = new BrowserSignIn().start(idp(false), "client-1", null, options(Duration.ofMinutes(5)));
        int port = URI.create(p(awaitAuthorizeUrl(), "redirect_uri")).getPort();
        new Socket("127.0.0.1", port).close(); // listening

        assertThat(f.cancel(true)).isTrue();

        assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
        assertPortClosed(port);
    }

    @Test
    void withoutAnyBrowserTheUrlIsPrintedToStderr() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        CompletableFuture<SignInResult> f;
        try {
            System.setProperty("java.awt.headless", "true");
            f = new BrowserSignIn(Clock.systemUTC(), Duration.ofSeconds(5), Map.of()).start(idp(false), "client-1", null,
                    new SignInOptions(List.of(), Duration.ofSeconds(30), "localhost", null));
        } finally {
            System.setErr(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("To sign in, open this address in your browser: " + issuer + "/authorize?");
        assertThat(out).contains("redirect_uri=http%3A%2F%2Flocalhost%3A");
        f.cancel(true);
    }

    @Test
    void theBrowserCommandGetsExactlyTheGivenEnvironment() throws Exception {
        Path dump = tmp.resolve("env.txt");
        Path script = tmp.resolve("dump-env.sh");
        java.nio.file.Files.writeString(script, "#!/bin/sh\nenv > '" + dump + "'\n");
        java.nio.file.Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = Map.of("BROWSER", script.toString(), "PATH", "/usr/bin:/bin", "MARK", "given");
        CompletableFuture<SignInResult> f = new BrowserSignIn(Clock.systemUTC(), Duration.ofSeconds(5), env)
                .start(idp(false), "client-1", null, new SignInOptions(List.of(), Duration.ofSeconds(30), "127.0.0.1", null));
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> java.nio.file.Files.exists(dump) && java.nio.file.Files.readString(dump).contains("MARK="));
            assertThat(java.nio.file.Files.readString(dump)).contains("MARK=given")
                    .as("nothing of this process's own environment").doesNotContain("HOME=" + System.getenv("HOME"));
        } finally {
            f.cancel(true);
        }
    }

    @Test
    void browserCommandsGetTheUrlAsLastArgumentOrInPlaceOfPercentS() {
        assertThat(SystemBrowser.commandLine("firefox --new-tab", "http://x/?a=b")).containsExactly("firefox", "--new-tab", "http://x/?a=b");
        assertThat(SystemBrowser.commandLine("open -u %s --bg", "http://x/")).containsExactly("open", "-u", "http://x/", "--bg");
    }

    /** A sign-in of {@code client-1} at {@code idp} with a 30 s limit. */
    private CompletableFuture<SignInResult> start(OIDCProviderMetadata idp) {
        return new BrowserSignIn().start(idp, "client-1", null, options(Duration.ofSeconds(30)));
    }

    /** As {@link #assertSignInFailed}, and the IdP's token endpoint was never called: the code is not redeemed. */
    private void assertSignInFailedWithoutRedeemingTheCode(CompletableFuture<SignInResult> f, String message) {
        assertSignInFailed(f, message);
        assertThat(routes.count("POST /idp/token")).isZero();
    }

    /** {@code f} fails with a {@link ConnectorException.Kind#SIGN_IN_FAILED} whose message contains {@code message}. */
    private static void assertSignInFailed(CompletableFuture<SignInResult> f, String message) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ConnectorException.class)
                .satisfies(e -> assertThat(((ConnectorException) e.getCause()).kind())
                        .isEqualTo(ConnectorException.Kind.SIGN_IN_FAILED))
                .hasMessageContaining(message);
    }
}
