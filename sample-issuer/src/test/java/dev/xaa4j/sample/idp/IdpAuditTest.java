package dev.xaa4j.sample.idp;

import static dev.xaa4j.sample.idp.IdpTestClient.demoBasic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.sample.idp.IdpTestClient.LoginForm;
import dev.xaa4j.sample.idp.IdpTestClient.Pkce;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every IdP decision is one audit line with the required fields, and no token bytes (issue 2 item 7). */
class IdpAuditTest {

    @Test
    void oneLinePerDecisionWithRequiredFieldsAndNoSecrets(@TempDir Path state) throws Exception {
        // "alice" is also alice's password, but it is her user name too, so only the wrong password is checked
        List<String> secrets = new ArrayList<>(List.of(IdpTestClient.CLIENT_SECRET, "wrong-password"));
        String asIssuer;
        try (SampleIssuer issuer = SampleIssuer.start(IssuerSettings.defaults(state).withPortBase(0))) {
            IdpTestClient client = new IdpTestClient(issuer.idpIssuer());
            String as = issuer.asIssuer().toString();
            asIssuer = as;
            String notes = issuer.server("notes").toString();

            // sign-in deny, then allow (1 + 1), code redeemed (1)
            Pkce pkce = Pkce.s256();
            Map<String, String> params = IdpTestClient.authorizeParams(pkce);
            LoginForm form = LoginForm.parse(client.authorize(params).body());
            client.submitLogin(form, "alice", "wrong-password");
            HttpResponse<String> done = client.submitLogin(form, "alice", "alice");
            String code = IdpTestClient.query(done.headers().firstValue("Location").orElseThrow()).get("code");
            Map<String, Object> tokens = IdpTestClient.json(client.redeemCode(code, IdpTestClient.REDIRECT,
                    pkce.verifier(), demoBasic()));
            String idToken = (String) tokens.get("id_token");
            String refreshToken = (String) tokens.get("refresh_token");
            secrets.addAll(List.of(code, pkce.verifier(), idToken, refreshToken, (String) tokens.get("access_token"),
                    issuer.adminToken()));

            // refresh allow (1), replay deny (1)
            Map<String, Object> refreshed = IdpTestClient.json(client.refresh(refreshToken, demoBasic()));
            secrets.add((String) refreshed.get("refresh_token"));
            secrets.add((String) refreshed.get("id_token"));
            client.refresh(refreshToken, demoBasic());

            // exchanges: allow with subset (1), unknown audience (1), no client auth (1)
            HttpResponse<String> jag = client.exchange(idToken, as, notes, "notes.read admin.all", demoBasic());
            secrets.add((String) IdpTestClient.json(jag).get("access_token"));
            client.exchange(idToken, "https://nowhere.example", notes, null, demoBasic());
            client.exchange(idToken, as, notes, null, IdpTestClient.none());

            // revoke (1) then denied exchange (1)
            client.send(HttpRequest.newBuilder(URI.create(issuer.idpIssuer() + "/admin/revoke"))
                    .header("Authorization", "Bearer " + issuer.adminToken())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"alice\",\"server\":\"notes\"}")).build());
            client.exchange(idToken, as, notes, "notes.read", demoBasic());
        }

        String audit = Files.readString(state.resolve("audit.jsonl"));
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : audit.split("\n")) {
            lines.add(IdpTestClient.JSON.readValue(line, new TypeReference<>() {
            }));
        }
        assertThat(lines).extracting(l -> l.get("event") + ":" + l.get("decision")).containsExactly(
                "sign-in:deny", "sign-in:allow", "authorization-code:allow", "refresh:allow", "refresh:deny",
                "token-exchange:allow", "token-exchange:deny", "token-exchange:deny", "revoke:allow",
                "token-exchange:deny");
        assertThat(lines).allSatisfy(l -> assertThat(l).containsKeys("time", "event", "decision", "reason"));

        Map<String, Object> allowed = lines.get(5);
        assertThat(allowed).containsEntry("user", "alice").containsEntry("client", "xaa-desktop")
                .containsEntry("audience", asIssuer)
                .containsEntry("scopesRequested", List.of("notes.read", "admin.all"))
                .containsEntry("scopesGranted", List.of("notes.read"))
                .containsEntry("reason", "entitled");
        assertThat((String) allowed.get("resource")).endsWith("/notes/mcp");
        assertThat(lines.get(6)).containsEntry("audience", "https://nowhere.example").containsEntry("user", "alice");
        assertThat((String) lines.get(7).get("reason")).startsWith("client authentication failed");
        assertThat(lines.get(9)).containsEntry("scopesGranted", List.of());
        assertThat((String) lines.get(9).get("reason")).contains("revoked");
        assertThat((String) lines.get(4).get("reason")).isEqualTo(
                "refresh token reuse detected; session revoked, sign in again");

        for (String secret : secrets) {
            assertThat(audit).as("audit must not contain token bytes or secrets").doesNotContain(secret);
        }
        assertThat(audit).doesNotContain("\"password\"").doesNotContain("eyJ");
    }
}
