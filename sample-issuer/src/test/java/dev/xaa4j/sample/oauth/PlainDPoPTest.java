package dev.xaa4j.sample.oauth;

import static dev.xaa4j.sample.oauth.PlainOAuthClient.PUBLIC_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.Tokens;
import dev.xaa4j.sample.dpop.DPoPProofs;
import dev.xaa4j.sample.dpop.SampleIssuerDPoPTest;
import dev.xaa4j.sample.dpop.DPoPTokens;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DPoP at the plain OAuth AS (RFC 9449 §5): a proof at the code redemption binds the access token and the refresh
 * token family; refreshing that family needs a proof of the same key; {@code requireDpop}; the bound token at the
 * wiki server.
 */
@Timeout(60)
class PlainDPoPTest extends SampleIssuerDPoPTest {



    PlainOAuthClient client() {
        return PlainOAuthClient.of(issuer);
    }

    URI wiki() {
        return issuer.server("wiki");
    }

    /** A token request of the public client with {@code proofKey}'s proof (none when {@code null}). */
    TokenResponse token(AuthorizationGrant grant, DPoPProofs proofKey) throws Exception {
        PlainOAuthClient c = client();
        HTTPRequest http = new TokenRequest.Builder(c.endpoint("/token"), new ClientID(PUBLIC_CLIENT), grant)
                .resources(wiki()).build().toHTTPRequest();
        if (proofKey != null) {
            http.setDPoP(SignedJWT.parse(proofKey.forTokenRequest(c.endpoint("/token"))));
        }
        return TokenResponse.parse(http.send());
    }

    Tokens signIn(DPoPProofs proofKey) throws Exception {
        PlainOAuthClient c = client();
        PlainOAuthClient.Flow f = c.flow(PUBLIC_CLIENT, "wiki:read", wiki());
        AuthorizationResponse r = c.authorize(f, "alice");
        TokenResponse t = token(new AuthorizationCodeGrant(r.toSuccessResponse().getAuthorizationCode(),
                PlainOAuthClient.REDIRECT, f.verifier()), proofKey);
        assertThat(t.indicatesSuccess()).as(String.valueOf(t.toHTTPResponse().getBody())).isTrue();
        return t.toSuccessResponse().getTokens();
    }

    @Test
    void theMetadataAdvertisesEs256Proofs() throws Exception {
        assertThat(client().metadata().getDPoPJWSAlgs()).extracting(Object::toString).containsExactly("ES256");
    }

    @Test
    void aProofAtTheCodeRedemptionBindsTheTokenWhichTheWikiServesOnlyWithDPoP() throws Exception {
        Tokens t = signIn(key);
        String at = t.getAccessToken().getValue();

        assertThat(t.getAccessToken().getType()).isEqualTo(AccessTokenType.DPOP);
        assertThat(SignedJWT.parse(at).getJWTClaimsSet().getClaim("cnf")).isEqualTo(Map.of("jkt", key.jkt()));
        assertThat(DPoPTokens.mcp(wiki(), "DPoP " + at, key.forResource("POST", wiki(), at, null), DPoPTokens.TOOLS_LIST)
                .statusCode()).isNotEqualTo(401);
        assertThat(DPoPTokens.mcp(wiki(), "Bearer " + at, null, DPoPTokens.TOOLS_LIST).statusCode()).isEqualTo(401);
    }

    @Test
    void aBoundRefreshTokenNeedsAProofOfTheSameKey() throws Exception {
        Tokens t = signIn(key);
        RefreshTokenGrant refresh = new RefreshTokenGrant(t.getRefreshToken());

        TokenResponse without = token(refresh, null);
        TokenResponse otherKey = token(refresh, DPoPProofs.newKey());
        TokenResponse sameKey = token(refresh, key);

        assertThat(without.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
        assertThat(otherKey.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
        assertThat(otherKey.toErrorResponse().getErrorObject().getDescription()).contains("another key");
        assertThat(sameKey.indicatesSuccess()).as("the refused attempts did not spend the refresh token").isTrue();
        assertThat(sameKey.toSuccessResponse().getTokens().getAccessToken().getType()).isEqualTo(AccessTokenType.DPOP);
    }

    @Test
    void withoutAProofEverythingIsBearerAsBeforeUnlessDPoPIsRequired() throws Exception {
        Tokens t = signIn(null);
        assertThat(t.getAccessToken().getType()).isEqualTo(AccessTokenType.BEARER);
        assertThat(token(new RefreshTokenGrant(t.getRefreshToken()), null).indicatesSuccess()).isTrue();

        dpop("{\"requireDpop\":true}");
        PlainOAuthClient c = client();
        PlainOAuthClient.Flow f = c.flow(PUBLIC_CLIENT, "wiki:read", wiki());
        AuthorizationResponse r = c.authorize(f, "alice");
        TokenResponse refused = token(new AuthorizationCodeGrant(r.toSuccessResponse().getAuthorizationCode(),
                PlainOAuthClient.REDIRECT, f.verifier()), null);

        assertThat(refused.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_dpop_proof");
    }
}
