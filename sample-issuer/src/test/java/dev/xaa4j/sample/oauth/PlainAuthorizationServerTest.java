package dev.xaa4j.sample.oauth;

import static dev.xaa4j.sample.oauth.PlainOAuthClient.PUBLIC_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import dev.xaa4j.sample.SampleIssuerPerClass;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The plain OAuth AS over real HTTP: metadata, the code flow with PKCE, iss, scopes per user, refresh, revocation. */
@Timeout(60)
class PlainAuthorizationServerTest extends SampleIssuerPerClass {

    private PlainOAuthClient client() {
        return PlainOAuthClient.of(issuer);
    }

    private URI wiki() {
        return issuer.server("wiki");
    }

    @Test
    void metadataAtThePathInsertedUrlAdvertisesThePlainFlowOnly() throws Exception {
        AuthorizationServerMetadata md = client().metadata();

        assertThat(client().metadataUrl().toString()).isEqualTo(issuer.asIssuer()
                + "/.well-known/oauth-authorization-server/oauth");
        assertThat(md.getIssuer().getValue()).isEqualTo(issuer.asIssuer() + "/oauth");
        assertThat(md.getAuthorizationEndpointURI()).isEqualTo(URI.create(issuer.oauthIssuer() + "/authorize"));
        assertThat(md.getTokenEndpointURI()).isEqualTo(URI.create(issuer.oauthIssuer() + "/token"));
        assertThat(md.getRegistrationEndpointURI()).isEqualTo(URI.create(issuer.oauthIssuer() + "/register"));
        assertThat(md.getRevocationEndpointURI()).isEqualTo(URI.create(issuer.oauthIssuer() + "/revoke"));
        assertThat(md.getJWKSetURI()).isEqualTo(URI.create(issuer.oauthIssuer() + "/jwks"));
        assertThat(md.getResponseTypes()).containsExactly(ResponseType.CODE);
        assertThat(md.getGrantTypes()).containsExactly(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN);
        assertThat(md.getCodeChallengeMethods()).containsExactly(CodeChallengeMethod.S256);
        assertThat(md.getTokenEndpointAuthMethods()).containsExactly(ClientAuthenticationMethod.NONE,
                ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST,
                ClientAuthenticationMethod.PRIVATE_KEY_JWT);
        assertThat(md.getScopes().toStringList()).containsExactly("wiki:read", "wiki:write", "offline_access");
        assertThat(md.supportsAuthorizationResponseIssuerParam()).isTrue();
        assertThat(md.getCustomParameter("client_id_metadata_document_supported")).isEqualTo(true);
        assertThat(md.getCustomParameter("authorization_grant_profiles_supported")).isNull();
    }

    @Test
    void theCodeFlowWithPkceGivesAJwtForTheWikiWithStateAndIssInTheRedirect() throws Exception {
        PlainOAuthClient c = client();
        PlainOAuthClient.Flow flow = c.flow(PUBLIC_CLIENT, "wiki:read wiki:write offline_access", wiki());

        URI location = c.browse(flow.url(), "alice");
        AuthorizationSuccessResponse ok = AuthorizationResponse.parse(location).toSuccessResponse();
        assertThat(location.toString()).startsWith(PlainOAuthClient.REDIRECT + "?");
        assertThat(ok.getState()).isEqualTo(flow.state());
        assertThat(ok.getIssuer().getValue()).isEqualTo(issuer.oauthIssuer().toString());

        Tokens tokens = c.redeem(PUBLIC_CLIENT, ok.getAuthorizationCode(), flow.verifier(), wiki())
                .toSuccessResponse().getTokens();
        JWTClaimsSet at = SignedJWT.parse(tokens.getAccessToken().getValue()).getJWTClaimsSet();
        assertThat(at.getIssuer()).isEqualTo(issuer.oauthIssuer().toString());
        assertThat(at.getAudience()).containsExactly(wiki().toString());
        assertThat(at.getSubject()).isEqualTo("alice");
        assertThat(at.getStringClaim("client_id")).isEqualTo(PUBLIC_CLIENT);
        assertThat(at.getStringClaim("scope")).isEqualTo("wiki:read wiki:write");
        assertThat(at.getExpirationTime()).isAfter(at.getIssueTime());
        assertThat(tokens.getRefreshToken()).isNotNull();

        TokenResponse again = c.redeem(PUBLIC_CLIENT, ok.getAuthorizationCode(), flow.verifier(), wiki());
        assertThat(again.indicatesSuccess()).as("a code is single-use").isFalse();
    }

    @Test
    void aWrongVerifierIsRefusedAndBurnsTheCode() throws Exception {
        PlainOAuthClient c = client();
        PlainOAuthClient.Flow flow = c.flow(PUBLIC_CLIENT, "wiki:read", wiki());
        AuthorizationSuccessResponse ok = c.authorize(flow, "alice").toSuccessResponse();

        TokenResponse wrong = c.redeem(PUBLIC_CLIENT, ok.getAuthorizationCode(), new CodeVerifier(), wiki());
        TokenResponse right = c.redeem(PUBLIC_CLIENT, ok.getAuthorizationCode(), flow.verifier(), wiki());

        assertThat(wrong.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
        assertThat(wrong.toErrorResponse().getErrorObject().getDescription()).contains("code_verifier");
        assertThat(right.indicatesSuccess()).isFalse();
    }

    @Test
    void theTokenRequestMustNameTheAuthorizedResource() throws Exception {
        PlainOAuthClient c = client();
        PlainOAuthClient.Flow flow = c.flow(PUBLIC_CLIENT, "wiki:read", wiki());
        AuthorizationSuccessResponse ok = c.authorize(flow, "alice").toSuccessResponse();

        TokenResponse r = c.redeem(PUBLIC_CLIENT, ok.getAuthorizationCode(), flow.verifier(), issuer.server("notes"));

        assertThat(r.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_target");
    }

    @Test
    void withoutPkceOrWithoutAKnownResourceTheRedirectCarriesTheErrorStateAndIss() throws Exception {
        PlainOAuthClient c = client();
        URI noPkce = URI.create(c.flow(PUBLIC_CLIENT, "wiki:read", wiki()).url().toString()
                .replaceAll("&code_challenge(_method)?=[^&]*", ""));
        URI noResource = c.flow(PUBLIC_CLIENT, "wiki:read", null).url();
        URI notOurs = c.flow(PUBLIC_CLIENT, "wiki:read", issuer.server("notes")).url();

        AuthorizationErrorResponse e1 = AuthorizationResponse.parse(c.browse(noPkce, "alice")).toErrorResponse();
        AuthorizationErrorResponse e2 = AuthorizationResponse.parse(c.browse(noResource, "alice")).toErrorResponse();
        AuthorizationErrorResponse e3 = AuthorizationResponse.parse(c.browse(notOurs, "alice")).toErrorResponse();

        assertThat(e1.getErrorObject().getCode()).isEqualTo("invalid_request");
        assertThat(e2.getErrorObject().getCode()).isEqualTo("invalid_target");
        assertThat(e3.getErrorObject().getCode()).isEqualTo("invalid_target");
        assertThat(e2.getIssuer().getValue()).isEqualTo(issuer.oauthIssuer().toString());
        assertThat(e2.getState()).isNotNull();
    }

    @Test
    void bobGetsReadOnlyAndCarolIsDenied() throws Exception {
        PlainOAuthClient c = client();

        TokenResponse bob = c.signIn(PUBLIC_CLIENT, "bob", "wiki:read wiki:write", wiki());
        AuthorizationResponse carol = c.authorize(c.flow(PUBLIC_CLIENT, "wiki:read", wiki()), "carol");
        TokenResponse aliceDefault = c.signIn(PUBLIC_CLIENT, "alice", null, wiki());

        assertThat(PlainOAuthClient.scopes(bob)).containsExactly("wiki:read");
        assertThat(carol.toErrorResponse().getErrorObject().getCode()).isEqualTo("access_denied");
        assertThat(PlainOAuthClient.scopes(aliceDefault)).containsExactly("wiki:read", "wiki:write");
    }

    @Test
    void refreshTokensRotateAndAReusedOneRevokesTheFamily() throws Exception {
        PlainOAuthClient c = client();
        RefreshToken first = c.signIn(PUBLIC_CLIENT, "alice", "wiki:read offline_access", wiki())
                .toSuccessResponse().getTokens().getRefreshToken();

        Tokens second = c.refresh(PUBLIC_CLIENT, first, wiki()).toSuccessResponse().getTokens();
        TokenResponse reuse = c.refresh(PUBLIC_CLIENT, first, wiki());
        TokenResponse afterReuse = c.refresh(PUBLIC_CLIENT, second.getRefreshToken(), wiki());

        assertThat(second.getRefreshToken()).isNotEqualTo(first);
        assertThat(SignedJWT.parse(second.getAccessToken().getValue()).getJWTClaimsSet().getAudience())
                .containsExactly(wiki().toString());
        assertThat(reuse.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
        assertThat(reuse.toErrorResponse().getErrorObject().getDescription()).contains("reuse");
        assertThat(afterReuse.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
    }

    /** Two redemptions of one code, and two refreshes of one refresh token, racing: at most one of each wins. */
    @RepeatedTest(5)
    void racingUsesOfOneCodeOrOneRefreshTokenLetAtMostOneWin() throws Exception {
        PlainOAuthClient c = client();
        PlainOAuthClient.Flow flow = c.flow(PUBLIC_CLIENT, "wiki:read", wiki());
        AuthorizationSuccessResponse ok = c.authorize(flow, "alice").toSuccessResponse();
        Callable<TokenResponse> redeem = () -> c.redeem(PUBLIC_CLIENT, ok.getAuthorizationCode(), flow.verifier(), wiki());
        List<TokenResponse> redeemed = race(redeem);

        assertThat(redeemed).filteredOn(TokenResponse::indicatesSuccess).hasSizeLessThanOrEqualTo(1);
        java.util.Optional<RefreshToken> won = redeemed.stream().filter(TokenResponse::indicatesSuccess).findFirst()
                .map(r -> r.toSuccessResponse().getTokens().getRefreshToken());
        if (won.isEmpty()) {
            // RFC 6749 §4.1.2: a second use of a code revokes what was issued from it, so two overlapping uses may
            // both lose (the later one revoked the earlier one's tokens before they were linked): both are invalid_grant
            assertThat(redeemed).allSatisfy(r -> assertThat(r.toErrorResponse().getErrorObject().getCode())
                    .isEqualTo("invalid_grant"));
            return;
        }
        List<TokenResponse> refreshed = race(() -> c.refresh(PUBLIC_CLIENT, won.get(), wiki()));
        assertThat(refreshed).filteredOn(TokenResponse::indicatesSuccess).hasSizeLessThanOrEqualTo(1);
    }

    private static <T> List<T> race(Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            Callable<T> gated = () -> {
                go.await();
                return call.call();
            };
            Future<T> a = pool.submit(gated);
            Future<T> b = pool.submit(gated);
            go.countDown();
            return List.of(a.get(30, TimeUnit.SECONDS), b.get(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void revokingARefreshTokenEndsIt() throws Exception {
        PlainOAuthClient c = client();
        RefreshToken rt = c.signIn(PUBLIC_CLIENT, "alice", "wiki:read", wiki()).toSuccessResponse().getTokens()
                .getRefreshToken();

        int status = new TokenRevocationRequest(c.endpoint("/revoke"), new ClientID(PUBLIC_CLIENT), rt)
                .toHTTPRequest().send().getStatusCode();
        TokenResponse after = c.refresh(PUBLIC_CLIENT, rt, wiki());

        assertThat(status).isEqualTo(200);
        assertThat(after.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
    }

    @Test
    void aPreRegisteredConfidentialClientMustUseItsSecret() throws Exception {
        PlainOAuthClient c = client();
        String id = PlainOAuthClient.CONFIDENTIAL_CLIENT;
        PlainOAuthClient.Flow f1 = c.flow(id, "wiki:read", wiki());
        PlainOAuthClient.Flow f2 = c.flow(id, "wiki:read", wiki());
        PlainOAuthClient.Flow f3 = c.flow(id, "wiki:read", wiki());
        AuthorizationCodeGrant g1 = new AuthorizationCodeGrant(c.authorize(f1, "alice").toSuccessResponse()
                .getAuthorizationCode(), PlainOAuthClient.REDIRECT, f1.verifier());
        AuthorizationCodeGrant g2 = new AuthorizationCodeGrant(c.authorize(f2, "alice").toSuccessResponse()
                .getAuthorizationCode(), PlainOAuthClient.REDIRECT, f2.verifier());
        AuthorizationCodeGrant g3 = new AuthorizationCodeGrant(c.authorize(f3, "alice").toSuccessResponse()
                .getAuthorizationCode(), PlainOAuthClient.REDIRECT, f3.verifier());

        TokenResponse ok = c.token(PlainOAuthClient.basic(id, PlainOAuthClient.CONFIDENTIAL_SECRET), null, g1, wiki());
        TokenResponse wrongSecret = c.token(PlainOAuthClient.basic(id, "guess"), null, g2, wiki());
        TokenResponse asPublic = c.token(null, id, g3, wiki());

        assertThat(ok.indicatesSuccess()).isTrue();
        assertThat(wrongSecret.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_client");
        assertThat(asPublic.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_client");
    }

    @Test
    void theAuditLogRecordsDecisionsButNoTokenBytes() throws Exception {
        PlainOAuthClient c = client();
        Tokens t = c.signIn(PUBLIC_CLIENT, "alice", "wiki:read offline_access", wiki()).toSuccessResponse().getTokens();

        String audit = Files.readString(issuer.auditFile());

        assertThat(audit).contains("\"event\":\"oauth-sign-in\"").contains("\"event\":\"oauth-token\"");
        assertThat(audit).doesNotContain(t.getAccessToken().getValue()).doesNotContain(t.getRefreshToken().getValue());
        assertThat(List.of(audit.split("\n"))).noneMatch(l -> l.contains("eyJ"));
    }
}
