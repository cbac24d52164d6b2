package dev.xaa4j.sample.idp;

import static dev.xaa4j.sample.idp.IdpTestClient.demoBasic;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.sample.SampleIssuers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An IdP refresh token as the token exchange's subject_token (ID-JAG draft -04 §4.3.2), over real HTTP. */
class RefreshTokenSubjectTest extends IdpPerClass {

    static final String RT_TYPE = "urn:ietf:params:oauth:token-type:refresh_token";

    @AfterEach
    void switchBackOn() {
        issuer.idpFeatures().refreshTokenSubject(true);
    }

    static HttpResponse<String> exchangeRefreshToken(String rt, String server, String scope) {
        return client.postForm(client.tokenEndpoint(), IdpTestClient.form(
                "grant_type", IdpTestClient.TOKEN_EXCHANGE, "requested_token_type", IdpTestClient.ID_JAG_TYPE,
                "subject_token", rt, "subject_token_type", RT_TYPE,
                "audience", issuer.asIssuer().toString(), "resource", issuer.server(server).toString(),
                "scope", scope), demoBasic());
    }

    @Test
    void aCurrentRefreshTokenGetsAnIdJagWithoutRotationAndTheAuditNamesTheSubjectType() throws Exception {
        String rt = (String) client.login("alice").get("refresh_token");
        HttpResponse<String> r = exchangeRefreshToken(rt, "notes", "notes.read notes.write");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Object> body = IdpTestClient.json(r);
        assertThat(body).containsEntry("issued_token_type", IdpTestClient.ID_JAG_TYPE)
                .containsEntry("scope", "notes.read notes.write").doesNotContainKey("refresh_token");
        JWTClaimsSet jag = SignedJWT.parse((String) body.get("access_token")).getJWTClaimsSet();
        assertThat(jag.getSubject()).isEqualTo("alice");
        assertThat(jag.getStringClaim("client_id")).isEqualTo(SampleIssuers.AS_CLIENT);

        assertThat(exchangeRefreshToken(rt, "tickets", "tickets.read").statusCode()).isEqualTo(200); // not rotated
        assertThat(client.refresh(rt, demoBasic()).statusCode()).isEqualTo(200); // still the current one
        String audit = Files.readString(issuer.auditFile());
        assertThat(audit).contains("\"subjectTokenType\":\"refresh_token\"").doesNotContain(rt);
    }

    @Test
    void switchedOffTheIdpAnswersInvalidRequestAndTheIdTokenPathStillWorks() {
        Map<String, Object> login = client.login("alice");
        HttpResponse<String> off = client.admin("POST", "/admin/idp-features", "{\"refreshTokenSubject\":false}",
                issuer.adminToken());
        assertThat(IdpTestClient.json(off)).containsEntry("refreshTokenSubject", false);

        HttpResponse<String> r = exchangeRefreshToken((String) login.get("refresh_token"), "notes", "notes.read");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_request");
        assertThat((String) IdpTestClient.json(r).get("error_description")).contains("not supported by this IdP");

        HttpResponse<String> viaIdToken = client.exchange((String) login.get("id_token"), issuer.asIssuer().toString(),
                issuer.server("notes").toString(), "notes.read", demoBasic());
        assertThat(viaIdToken.statusCode()).as(viaIdToken.body()).isEqualTo(200);
        assertThat(IdpTestClient.json(client.admin("GET", "/admin/idp-features", null, issuer.adminToken())))
                .containsEntry("refreshTokenSubject", false);
    }

    @Test
    void aRevokedUsedOrForeignRefreshTokenIsInvalidGrant() {
        String revoked = (String) client.login("alice").get("refresh_token");
        assertThat(client.revoke(revoked, "refresh_token", demoBasic()).statusCode()).isEqualTo(200);
        assertInvalidGrant(exchangeRefreshToken(revoked, "notes", "notes.read"), "revoked");

        String used = (String) client.login("alice").get("refresh_token");
        assertThat(client.refresh(used, demoBasic()).statusCode()).isEqualTo(200);
        assertInvalidGrant(exchangeRefreshToken(used, "notes", "notes.read"), "already rotated");

        assertInvalidGrant(exchangeRefreshToken("not-a-refresh-token", "notes", "notes.read"), "unknown");
    }

    @Test
    void revokingTheUsersGrantStopsTheRefreshTokenPathToo() throws Exception {
        String rt = (String) client.login("alice").get("refresh_token");
        assertThat(SampleIssuers.admin(issuer, "revoke", "alice", "notes")).isEqualTo(200);
        try {
            HttpResponse<String> r = exchangeRefreshToken(rt, "notes", "notes.read");
            assertThat(IdpTestClient.json(r)).containsEntry("error", "access_denied");
        } finally {
            SampleIssuers.admin(issuer, "restore", "alice", "notes");
        }
        assertThat(exchangeRefreshToken(rt, "notes", "notes.read").statusCode()).isEqualTo(200);
    }

    private static void assertInvalidGrant(HttpResponse<String> r, String why) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_grant");
        assertThat((String) IdpTestClient.json(r).get("error_description")).contains(why);
    }
}
