package dev.xaa4j.connector.internal.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.fuzz.FuzzInput;
import dev.xaa4j.connector.fuzz.LoopbackStub;
import dev.xaa4j.connector.internal.store.IdpSession;
import dev.xaa4j.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the token endpoint responses of all three grants (RFC 8693 token exchange, RFC 7523 jwt-bearer,
 * RFC 6749 §6 refresh) through their real HTTP client against a loopback stub. Input: {@code status NUL body
 * NUL content-type NUL www-authenticate}. Property: a token or a {@link ConnectorException} (the documented typed failures), never
 * another exception; no exception message holds a secret we sent or a token-shaped value the server sent.
 */
@Tag("fuzz")
class TokenResponseFuzzTest {

    @AutoClose // after the class
    static final LoopbackStub STUB = new LoopbackStub();
    static final String ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJpZC10b2tlbi1zZWNyZXQifQ.c2lnbmF0dXJlLWlkLXRva2Vu";
    static final String ID_JAG = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJpZC1qYWctc2VjcmV0In0.c2lnbmF0dXJlLWlkLWphZw";
    static final String REFRESH_TOKEN = "refresh-token-secret-0123456789";
    static final String CLIENT_SECRET = "client-secret-0123456789";
    static final Pattern TOKEN_VALUE = Pattern.compile(
            "\"(?:access_token|refresh_token|id_token)\"\\s*:\\s*\"([^\"\\\\]{16,})\"");

    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final ClientAuth CLIENT = (endpoint, grant) -> new TokenRequest.Builder(endpoint,
            new ClientSecretBasic(new ClientID("client-1"), new Secret(CLIENT_SECRET)), grant);

    @FuzzTest(maxDuration = "30s")
    @Timeout(20)
    void anyTokenResponseIsATokenOrATypedFailure(byte[] data) {
        FuzzInput.allowLoopbackConnectionsOnly();
        int status = status(FuzzInput.part(data, 0));
        String body = FuzzInput.part(data, 1);
        java.util.Map<String, List<String>> headers = new java.util.HashMap<>();
        if (!FuzzInput.part(data, 2).isEmpty()) {
            headers.put("Content-Type", List.of(FuzzInput.part(data, 2)));
        }
        if (!FuzzInput.part(data, 3).isEmpty()) {
            headers.put("WWW-Authenticate", List.of(FuzzInput.part(data, 3)));
        }
        STUB.answer("/token", new LoopbackStub.Answer(status, headers, body));
        URI endpoint = STUB.url("/token");
        Set<String> scopes = Set.of("notes.read");

        check(body, () -> new IdJagExchange(CLOCK, TIMEOUT).exchange("notes", endpoint, CLIENT, ID_TOKEN,
                "https://as.example.test/", "https://mcp.example.test/mcp", scopes));
        check(body, () -> new JwtBearerGrant(CLOCK, TIMEOUT).redeem("notes", endpoint, CLIENT,
                new IdJag(ID_JAG, CLOCK.instant().plusSeconds(300), scopes), "https://mcp.example.test/mcp"));
        IdpSession session = new IdpSession("https://idp.example.test", "client-1", "alice", ID_TOKEN,
                CLOCK.instant().plusSeconds(60), Optional.of(REFRESH_TOKEN), CLOCK.instant());
        check(body, () -> new IdpRefresh(CLOCK, TIMEOUT).refresh(session, endpoint, CLIENT,
                idToken -> {
                    throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "not verifiable in this test");
                }, next -> { }, () -> { }));
    }

    @Test
    @Timeout(20)
    void anExpiresInBeyondTenYearsFallsBackToTheDefaultLifetime() {
        Instant sent = CLOCK.instant();
        STUB.answer("/token", LoopbackStub.Answer.json(200, "{\"access_token\":\"opaque-access-token\","
                + "\"token_type\":\"Bearer\",\"expires_in\":9223372036854775807,"
                + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:id-jag\"}"));
        assertThat(new JwtBearerGrant(CLOCK, TIMEOUT).redeem("notes", STUB.url("/token"), CLIENT,
                new IdJag(ID_JAG, sent.plusSeconds(300), Set.of()), "https://mcp.example.test/mcp").expiresAt())
                .isEqualTo(sent.plus(JwtBearerGrant.DEFAULT_LIFETIME));
        assertThat(new IdJagExchange(CLOCK, TIMEOUT).exchange("notes", STUB.url("/token"), CLIENT, ID_TOKEN,
                "https://as.example.test/", "https://mcp.example.test/mcp", Set.of()).expiresAt())
                .isEqualTo(sent.plus(IdJagExchange.DEFAULT_LIFETIME));
        STUB.answer("/token", LoopbackStub.Answer.json(200, "{\"access_token\":\"opaque-access-token\","
                + "\"expires_in\":\"315360000\"}"));
        assertThat(new JwtBearerGrant(CLOCK, TIMEOUT).redeem("notes", STUB.url("/token"), CLIENT,
                new IdJag(ID_JAG, sent.plusSeconds(300), Set.of()), "https://mcp.example.test/mcp").expiresAt())
                .as("ten years is still believed").isEqualTo(sent.plusSeconds(315_360_000L));
    }

    @Test
    @Timeout(20)
    void anOAuthErrorWithCharactersOutsideRfc6749IsStillItsTypedException() {
        STUB.answer("/token", LoopbackStub.Answer.json(400, "{\"error\":\"invalid_grant\",\"error_description\":"
                + "\"the token eyJabc.def.ghi \u2025 is \\\"expired\\\"\"}"));
        assertThatThrownBy(() -> new JwtBearerGrant(CLOCK, TIMEOUT).redeem("notes", STUB.url("/token"), CLIENT,
                new IdJag(ID_JAG, CLOCK.instant().plusSeconds(300), Set.of()), "https://mcp.example.test/mcp"))
                .isInstanceOf(AssertionRejectedException.class)
                .hasMessageContaining("invalid_grant: the token <redacted-jwt>  is expired").hasMessageNotContaining("eyJabc");
    }

    @Test
    @Timeout(20)
    void aChallengeTheHttpClientCannotSplitIsAnUnavailableServer() {
        STUB.answer("/token", new LoopbackStub.Answer(401, java.util.Map.of("WWW-Authenticate",
                List.of("Bearer0scope=\"a b\", resource_metadata=\"x\"")), "{\"error\":\"invalid_client\"}"));
        assertThatThrownBy(() -> new IdJagExchange(CLOCK, TIMEOUT).exchange("notes", STUB.url("/token"), CLIENT, ID_TOKEN,
                "https://as.example.test/", "https://mcp.example.test/mcp", Set.of()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE)
                .hasMessageContaining("MalformedHttpResponseException");
    }

    private static int status(String s) {
        try {
            int n = Integer.parseInt(s.trim());
            return n >= 200 && n <= 599 ? n : 200; // a lone 1xx only makes the client wait out its read timeout
        } catch (NumberFormatException e) {
            return 200;
        }
    }

    private static void check(String body, Runnable grant) {
        try {
            grant.run();
        } catch (ConnectorException e) {
            String message = String.valueOf(e.getMessage());
            assertThat(message).doesNotContain(ID_TOKEN, ID_JAG, REFRESH_TOKEN, CLIENT_SECRET);
            Matcher m = TOKEN_VALUE.matcher(body);
            while (m.find()) {
                String token = m.group(1);
                if (body.indexOf(token) == body.lastIndexOf(token)) { // the same text in another field may be named
                    assertThat(message).as("the message echoes a token value of the response").doesNotContain(token);
                }
            }
        }
    }
}
