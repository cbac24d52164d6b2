package dev.xaa4j.sample.idp;

import static dev.xaa4j.sample.idp.IdpTestClient.demoBasic;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The IdP's loopback admin API: revoke/restore grants, rotate keys, inspect grants (issue 2 item 7). */
class IdpAdminTest extends IdpPerClass {

    private HttpResponse<String> admin(String method, String path, String body, String token) {
        return client.admin(method, path, body, token);
    }

    /** {@code POST /admin/revoke} or {@code /admin/restore} of alice's tickets grant; answers 200 with {@code revoked}. */
    private void changeAlicesTicketsGrant(String operation, boolean revoked) {
        HttpResponse<String> r = admin("POST", "/admin/" + operation, "{\"user\":\"alice\",\"server\":\"tickets\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(IdpTestClient.json(r)).containsEntry("revoked", revoked);
    }

    private HttpResponse<String> admin(String method, String path, String body) {
        return admin(method, path, body, issuer.adminToken());
    }

    @Test
    void adminWithoutOrWithAWrongTokenIs401() {
        for (String token : new String[] {null, "wrong", issuer.adminToken() + "x"}) {
            for (String path : List.of("/admin/revoke", "/admin/restore", "/admin/rotate-keys")) {
                HttpResponse<String> r = admin("POST", path, "{\"user\":\"alice\",\"server\":\"notes\"}", token);
                assertThat(r.statusCode()).as(path).isEqualTo(401);
                assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_token");
            }
            assertThat(admin("GET", "/admin/grants?user=alice", null, token).statusCode()).isEqualTo(401);
        }
        assertThat(issuer.policy().isRevoked("alice", "notes")).isFalse();
    }

    @Test
    void revokedGrantIsAccessDeniedAtTheNextExchangeAndRestoreMakesItWorkAgain() throws Exception {
        String as = issuer.asIssuer().toString();
        String tickets = issuer.server("tickets").toString();
        String idToken = client.idToken("alice");
        HttpResponse<String> before = client.exchange(idToken, as, tickets, "tickets.read", demoBasic());
        assertThat(before.statusCode()).isEqualTo(200);
        String issuedJag = (String) IdpTestClient.json(before).get("access_token");

        changeAlicesTicketsGrant("revoke", true);

        HttpResponse<String> denied = client.exchange(idToken, as, tickets, "tickets.read", demoBasic());
        assertThat(denied.statusCode()).isEqualTo(400);
        assertThat(IdpTestClient.json(denied)).containsEntry("error", "access_denied");
        assertThat((String) IdpTestClient.json(denied).get("error_description")).contains("revoked");
        // other servers are unaffected, the already issued ID-JAG is untouched (it simply expires)
        assertThat(client.exchange(idToken, as, issuer.server("notes").toString(), null, demoBasic()).statusCode())
                .isEqualTo(200);
        assertThat(SignedJWT.parse(issuedJag).getJWTClaimsSet().getSubject()).isEqualTo("alice");

        Map<String, Object> grants = IdpTestClient.json(admin("GET", "/admin/grants?user=alice", null));
        assertThat(grants).containsEntry("user", "alice");
        @SuppressWarnings("unchecked") Map<String, Map<String, Object>> servers =
                (Map<String, Map<String, Object>>) grants.get("servers");
        assertThat(servers.get("tickets")).containsEntry("revoked", true).containsEntry("scopes", List.of());
        assertThat(servers.get("notes")).containsEntry("revoked", false)
                .containsEntry("scopes", List.of("notes.read", "notes.write"))
                .containsEntry("resource", issuer.server("notes").toString());

        changeAlicesTicketsGrant("restore", false);
        HttpResponse<String> again = client.exchange(idToken, as, tickets, "tickets.read", demoBasic());
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(IdpTestClient.json(again)).containsEntry("scope", "tickets.read");
    }

    @Test
    void unknownUserOrServerIs400() {
        assertThat(admin("POST", "/admin/revoke", "{\"user\":\"mallory\",\"server\":\"notes\"}").statusCode())
                .isEqualTo(400);
        HttpResponse<String> badServer = admin("POST", "/admin/revoke", "{\"user\":\"alice\",\"server\":\"wiki\"}");
        assertThat(badServer.statusCode()).isEqualTo(400);
        assertThat(IdpTestClient.json(badServer)).containsEntry("error", "invalid_request");
        assertThat(admin("POST", "/admin/restore", "not json").statusCode()).isEqualTo(400);
        assertThat(admin("GET", "/admin/grants?user=mallory", null).statusCode()).isEqualTo(400);
        assertThat(admin("GET", "/admin/nothing", null).statusCode()).isEqualTo(404);
    }

    @Test
    void devAutoApproveIsOffByDefaultAndCannotBeSwitchedOnAtRunTime() {
        HttpResponse<String> r = admin("POST", "/admin/dev-auto-approve", "{\"user\":\"alice\"}");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat((String) IdpTestClient.json(r).get("error_description"))
                .contains("auto-approve mode is off", "--dev-auto-approve USER");
        HttpResponse<String> page = client.authorize(IdpTestClient.authorizeParams(IdpTestClient.Pkce.s256()));
        assertThat(page.statusCode()).as("the login form, as before").isEqualTo(200);
        assertThat(IdpTestClient.LoginForm.parse(page.body()).inputs()).containsKeys("username", "password");
    }

    @Test
    void rotateKeysPublishesTheNewKeyAndKeepsThePreviousOne() throws Exception {
        String idTokenBefore = client.idToken("bob");
        String oldKid = SignedJWT.parse(idTokenBefore).getHeader().getKeyID();
        HttpResponse<String> r = admin("POST", "/admin/rotate-keys", null);
        assertThat(r.statusCode()).isEqualTo(200);
        String newKid = (String) IdpTestClient.json(r).get("kid");
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(IdpTestClient.json(r)).containsEntry("previousKid", oldKid);

        Map<String, Object> jwks = IdpTestClient.json(client.get(issuer.idpIssuer().resolve("/jwks")));
        @SuppressWarnings("unchecked") List<Map<String, Object>> keys = (List<Map<String, Object>>) jwks.get("keys");
        assertThat(keys.stream().map(k -> k.get("kid"))).containsExactly(newKid, oldKid);
        assertThat(SignedJWT.parse(client.idToken("bob")).getHeader().getKeyID()).isEqualTo(newKid);
        // an ID token signed with the previous key still exchanges
        assertThat(client.exchange(idTokenBefore, issuer.asIssuer().toString(), issuer.server("notes").toString(),
                "notes.read", demoBasic()).statusCode()).isEqualTo(200);
    }
}
