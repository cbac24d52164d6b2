package dev.xaa4j.connector;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.xaa4j.connector.internal.store.IdpSession;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.testing.Routes;
import java.net.URI;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 8 item 1: {@link Connector#signOut()} ends the session at the IdP (RFC 7009) when it can, and always
 * forgets it locally, reporting which happened.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SignOutTest extends SampleIssuerConnectors {

    private static final String REFRESH_TOKEN = "rt-4f9c2a7d1e8b4c3a9f6e5d2c1b0a9f8e7d6c5b4a";

    @StartStop
    final MockWebServer idp = new MockWebServer();
    final Routes routes = new Routes();

    @Test
    void signOutRevokesTheRefreshTokenAtTheIdpWhichRefusesItAfterwards() throws Exception {
        MemoryCredentialStore keyring = new MemoryCredentialStore();
        List<ConnectorEvent> events = new CopyOnWriteArrayList<>();
        Connector.Builder b = issuerConnector(keyring).listener(events::add);
        try (Connector c = SampleIssuerFixture.withTestBrowser(b, tmp, "alice").build()) {
            c.signIn().get(90, TimeUnit.SECONDS);
            String refreshToken = sessions(keyring)
                    .load(issuer.idpIssuer().toString(), SampleIssuerFixture.IDP_CLIENT).orElseThrow()
                    .refreshToken().orElseThrow();

            SignOutResult result = c.signOut();

            assertThat(result.revocation()).isEqualTo(SignOutResult.Revocation.REVOKED);
            assertThat(result.user()).contains("alice");
            assertThat(result.describe()).isEqualTo("signed out (the IdP ended the session)");
            assertThat(result.warning()).isFalse();
            assertThat(c.status().signedIn()).isFalse();
            assertThat(events).anyMatch(e -> e instanceof ConnectorEvent.SignedOut s && s.user().equals(Optional.of("alice")));

            TokenResponse refresh = TokenResponse.parse(new TokenRequest.Builder(URI.create(issuer.idpIssuer() + "/token"),
                    new ClientSecretBasic(new ClientID(SampleIssuerFixture.IDP_CLIENT), new Secret(SampleIssuerFixture.IDP_SECRET)),
                    new RefreshTokenGrant(new RefreshToken(refreshToken))).build().toHTTPRequest().send());
            assertThat(refresh.indicatesSuccess()).as("the revoked refresh token is refused").isFalse();
            assertThat(((TokenErrorResponse) refresh).getErrorObject().getCode()).isEqualTo("invalid_grant");
            assertThat(Files.readString(issuerState.resolve("audit.jsonl")))
                    .contains("\"event\":\"revocation\",\"user\":\"alice\"").doesNotContain(refreshToken);
        }
    }

    @Test
    void anUnreachableIdpStillSignsOutLocallyWithAWarningThatNamesNoToken() {
        routes.on("GET /.well-known/openid-configuration", Routes.json(200, discovery(true)));
        routes.on("POST /revoke", new MockResponse.Builder().code(503).body("maintenance").build());
        idp.setDispatcher(routes);
        List<ConnectorEvent> events = new CopyOnWriteArrayList<>();
        try (Connector c = stubConnector(events)) {
            SignOutResult result = c.signOut();

            assertThat(result.revocation()).isEqualTo(SignOutResult.Revocation.FAILED);
            assertThat(result.warning()).isTrue();
            assertThat(result.describe()).startsWith("signed out on this machine; the IdP could not be reached: ")
                    .contains("HTTP 503").doesNotContain(REFRESH_TOKEN);
            assertThat(c.status().signedIn()).as("forgotten locally all the same").isFalse();
            assertThat(events).anyMatch(e -> e instanceof ConnectorEvent.SignedOut);
            var revoke = routes.requests().stream().filter(r -> r.getUrl().encodedPath().equals("/revoke")).findFirst().orElseThrow();
            assertThat(revoke.getBody().utf8()).contains("token=" + REFRESH_TOKEN).contains("token_type_hint=refresh_token");
            assertThat(revoke.getHeaders().get("Authorization")).startsWith("Basic ");
        }
    }

    @Test
    void anIdpThatCannotBeDiscoveredStillSignsOutLocally() {
        idp.setDispatcher(routes); // 404 for everything
        try (Connector c = stubConnector(new CopyOnWriteArrayList<>())) {
            SignOutResult result = c.signOut();

            assertThat(result.revocation()).isEqualTo(SignOutResult.Revocation.FAILED);
            assertThat(result.describe()).startsWith("signed out on this machine; the IdP could not be reached: ")
                    .doesNotContain(REFRESH_TOKEN);
            assertThat(c.status().signedIn()).isFalse();
        }
    }

    @Test
    void anIdpWithoutARevocationEndpointIsSaidSo() {
        routes.on("GET /.well-known/openid-configuration", Routes.json(200, discovery(false)));
        idp.setDispatcher(routes);
        try (Connector c = stubConnector(new CopyOnWriteArrayList<>())) {
            SignOutResult result = c.signOut();

            assertThat(result.revocation()).isEqualTo(SignOutResult.Revocation.NOT_SUPPORTED);
            assertThat(result.describe()).startsWith("signed out on this machine (the IdP offers no revocation endpoint");
            assertThat(routes.count("POST /revoke")).isZero();
            assertThat(c.status().signedIn()).isFalse();
        }
    }

    private String base() {
        return "http://" + idp.getHostName() + ":" + idp.getPort();
    }

    private String discovery(boolean revocation) {
        String base = base();
        return "{\"issuer\":\"" + base + "\",\"authorization_endpoint\":\"" + base + "/authorize\","
                + "\"token_endpoint\":\"" + base + "/token\",\"jwks_uri\":\"" + base + "/jwks\","
                + (revocation ? "\"revocation_endpoint\":\"" + base + "/revoke\"," : "")
                + "\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],\"code_challenge_methods_supported\":[\"S256\"],"
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
    }

    private Connector stubConnector(List<ConnectorEvent> events) {
        MemoryCredentialStore keyring = new MemoryCredentialStore();
        sessions(keyring).save(new IdpSession(base(),
                SampleIssuerFixture.IDP_CLIENT, "alice", "not-a-jwt", Instant.now().plusSeconds(600),
                Optional.of(REFRESH_TOKEN), Instant.now()));
        return SampleIssuerFixture.connector(URI.create(base()), Map.of("notes", URI.create(base() + "/mcp")), keyring,
                tmp.resolve("state")).journal(false).httpTimeout(java.time.Duration.ofSeconds(3))
                .listener(events::add).build();
    }
}
