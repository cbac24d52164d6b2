package dev.xaa4j.sample.as;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

import dev.xaa4j.sample.SampleIssuerPerClass;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every docs/protocol.md §3.3 rule broken once, each with the exact error it must produce. */
class AsRejectionsTest extends SampleIssuerPerClass {

    static RSAKey stranger;

    @BeforeAll
    static void strangerKey() throws Exception {
        stranger = new RSAKeyGenerator(2048).keyID("stranger").generate();
    }

    static TestIdJag alice() {
        return TestIdJag.of(issuer, "alice", "notes", "notes.read notes.write");
    }

    static Stream<Arguments> brokenIdJags() {
        return Stream.of(
                broken("wrong typ", i -> alice().type(JOSEObjectType.JWT).sign(), "typ must be 'oauth-id-jag+jwt'"),
                broken("no typ", i -> alice().type(null).sign(), "typ must be"),
                broken("alg none (unsigned)", i -> alice().unsigned(), "unsigned (alg none)"),
                broken("HS256", i -> alice().hs256(new byte[32]), "alg HS256 is not accepted"),
                broken("forged signature with the IdP's kid", i -> alice().signWith(stranger).sign(),
                        "signature does not verify"),
                broken("untrusted issuer", i -> alice().claim("iss", "http://127.0.0.1:1/evil-idp").sign(),
                        "is not a trusted IdP"),
                broken("wrong aud", i -> alice().claim("aud", issuer.idpIssuer().toString()).sign(),
                        "aud must be exactly this authorization server's issuer"),
                broken("two audiences", i -> alice().claim("aud",
                        List.of(issuer.asIssuer().toString(), "https://other.example")).sign(), "aud must be exactly"),
                broken("client_id of another client", i -> alice().claim("client_id", "someone-else").sign(),
                        "client_id 'someone-else' is not the authenticated client 'xaa-desktop-mcp'"),
                broken("expired", i -> alice().times(Duration.ofMinutes(-10), Duration.ofMinutes(-5)).sign(),
                        "expired at"),
                broken("iat in the future", i -> alice().times(Duration.ofMinutes(5), Duration.ofMinutes(10)).sign(),
                        "is in the future"),
                broken("nbf in the future", i -> alice().claim("nbf", (System.currentTimeMillis() / 1000) + 300).sign(),
                        "not valid before"),
                broken("no jti", i -> alice().claim("jti", null).sign(), "has no jti claim"),
                broken("no sub", i -> alice().claim("sub", null).sign(), "has no sub claim"),
                broken("lifetime too long", i -> alice().times(Duration.ZERO, Duration.ofDays(1)).sign(),
                        "lifetime is too long"),
                broken("resource not ours", i -> alice().claim("resource", "https://mcp.elsewhere.example/mcp").sign(),
                        "is not an MCP server of this authorization server"),
                broken("no resource", i -> alice().claim("resource", null).sign(), "has no resource claim"),
                broken("scope of another server", i -> alice().claim("scope", "notes.read tickets.read").sign(),
                        "scope 'tickets.read' is not registered"),
                broken("DPoP-bound (cnf.jkt) without a DPoP proof", i -> alice().claim("cnf", Map.of("jkt", "abc")).sign(),
                        "carries no DPoP proof"),
                broken("not a JWT", i -> "not-a-jwt", "assertion is not a JWT"));
    }

    private static Arguments broken(String name, Function<Void, String> idJag, String description) {
        return Arguments.of(name, idJag, description);
    }

    @ParameterizedTest(name = "{0} → invalid_grant")
    @MethodSource("brokenIdJags")
    void everyBrokenIdJagRuleIsInvalidGrant(String name, Function<Void, String> idJag, String description)
            throws Exception {
        TokenEndpoint.Reply r = TokenEndpoint.redeem(issuer, idJag.apply(null));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("invalid_grant");
        assertThat(r.description()).contains(description);
        assertThat(r.json()).doesNotContainKey("access_token");
    }

    @Test
    void aReplayedJtiIsInvalidGrant() throws Exception {
        String idJag = alice().sign();

        TokenEndpoint.Reply first = TokenEndpoint.redeem(issuer, idJag);
        TokenEndpoint.Reply replay = TokenEndpoint.redeem(issuer, idJag);

        assertThat(first.status()).isEqualTo(200);
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.error()).isEqualTo("invalid_grant");
        assertThat(replay.description()).contains("jti has already been used");
    }

    @Test
    void concurrentRedemptionsOfOneIdJagYieldExactlyOneAccessToken() throws Exception {
        String idJag = alice().sign();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<TokenEndpoint.Reply>> replies = pool.invokeAll(
                    Collections.nCopies(6, () -> TokenEndpoint.redeem(issuer, idJag)));
            List<Integer> statuses = new ArrayList<>();
            for (Future<TokenEndpoint.Reply> f : replies) {
                statuses.add(f.get().status());
            }

            assertThat(statuses).containsOnlyOnce(200).containsOnly(200, 400);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void missingClientAuthenticationIs401InvalidClient() throws Exception {
        TokenEndpoint.Reply r = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer), List.of(
                new String[] {"grant_type", TokenEndpoint.JWT_BEARER},
                new String[] {"assertion", alice().sign()}), null, null);

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.error()).isEqualTo("invalid_client");
        assertThat(r.description()).contains("client authentication is required");
    }

    @Test
    void aWrongClientSecretIs401InvalidClient() throws Exception {
        TokenEndpoint.Reply r = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer), List.of(
                new String[] {"grant_type", TokenEndpoint.JWT_BEARER},
                new String[] {"assertion", alice().sign()}), TestIdJag.CLIENT, "wrong-secret");

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.error()).isEqualTo("invalid_client");
        assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    @Test
    void aClientIdWithoutSecretIs401InvalidClient() throws Exception {
        TokenEndpoint.Reply r = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer), List.of(
                new String[] {"grant_type", TokenEndpoint.JWT_BEARER},
                new String[] {"assertion", alice().sign()},
                new String[] {"client_id", TestIdJag.CLIENT}), null, null);

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.error()).isEqualTo("invalid_client");
    }

    @Test
    void anotherGrantTypeIsUnsupportedGrantType() throws Exception {
        TokenEndpoint.Reply r = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer), List.of(
                new String[] {"grant_type", "authorization_code"},
                new String[] {"code", "x"}), TestIdJag.CLIENT, TestIdJag.CLIENT_SECRET);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("unsupported_grant_type");
    }

    @Test
    void aMissingOrRepeatedAssertionIsInvalidRequest() throws Exception {
        TokenEndpoint.Reply none = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer), List.<String[]>of(
                new String[] {"grant_type", TokenEndpoint.JWT_BEARER}), TestIdJag.CLIENT, TestIdJag.CLIENT_SECRET);
        TokenEndpoint.Reply two = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer), List.of(
                new String[] {"grant_type", TokenEndpoint.JWT_BEARER},
                new String[] {"assertion", alice().sign()},
                new String[] {"assertion", alice().sign()}), TestIdJag.CLIENT, TestIdJag.CLIENT_SECRET);

        assertThat(none.error()).isEqualTo("invalid_request");
        assertThat(none.description()).contains("assertion is missing");
        assertThat(two.error()).isEqualTo("invalid_request");
        assertThat(two.description()).contains("exactly one assertion");
    }

    @Test
    void aRequestedScopeOutsideTheIdJagIsInvalidScope() throws Exception {
        TokenEndpoint.Reply r = TokenEndpoint.redeem(issuer,
                TestIdJag.of(issuer, "bob", "notes", "notes.read").sign(), "scope", "notes.write");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("invalid_scope");
    }

    @Test
    void aResourceParameterDisagreeingWithTheIdJagIsInvalidTarget() throws Exception {
        TokenEndpoint.Reply r = TokenEndpoint.redeem(issuer, alice().sign(),
                "resource", issuer.server("tickets").toString());

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("invalid_target");
    }
}
