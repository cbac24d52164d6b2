package dev.xaa4j.sample.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The dev-only auto-approve mode covers the plain AS's authorization endpoint too (demo-app's redirect follower). */
@Timeout(60)
class PlainDevAutoApproveTest {

    @TempDir
    Path state;

    @Test
    void theAuthorizationEndpointRedirectsAtOnceWithACodeForTheConfiguredUser() throws Exception {
        try (SampleIssuer issuer = SampleIssuer.start(IssuerSettings.defaults(state).withPortBase(0)
                .withDevAutoApprove("bob"))) {
            PlainOAuthClient c = PlainOAuthClient.of(issuer);
            PlainOAuthClient.Flow flow = c.flow(PlainOAuthClient.PUBLIC_CLIENT, "wiki:read wiki:write",
                    issuer.server("wiki"));

            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(flow.url()).build(),
                    HttpResponse.BodyHandlers.ofString());
            var ok = AuthorizationResponse.parse(java.net.URI.create(r.headers().firstValue("Location").orElseThrow()))
                    .toSuccessResponse();
            var tokens = c.redeem(PlainOAuthClient.PUBLIC_CLIENT, ok.getAuthorizationCode(), flow.verifier(),
                    issuer.server("wiki"));

            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(ok.getIssuer().getValue()).isEqualTo(issuer.oauthIssuer().toString());
            assertThat(PlainOAuthClient.scopes(tokens)).containsExactly("wiki:read");
        }
    }
}
