package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.XaaProcess.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.internal.store.InstallClientKey;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.sample.SampleIssuers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The no-secret set-up path of docs (issue 12 point 2) as a person types it, against the sample issuer over real
 * HTTP and the OS keyring of {@code .ci/with-keyring}: {@code xaa key create} → the administrator registers the
 * printed JWKS for the IdP client and the AS client ({@code POST /admin/clients/{id}/jwks}) → {@code xaa idp …
 * --auth-method private_key_jwt} → {@code xaa login} → a token for {@code notes}; no secret anywhere. Then the
 * token exchange of point 3 as the IdP's audit shows it: with the IdP's refresh token as subject, and with the
 * IdP's refresh-token-subject switch off, the ID token.
 */
@Tag("slow")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NoSecretSetUpTest extends KeyringIssuer {

    private static final KeyringCredentialStore KEYRING = new KeyringCredentialStore("xaa4j");

    @AfterAll
    static void forgetTheKey() {
        if (issuer != null) {
            new InstallClientKey(KEYRING).delete();
        }
    }

    private static void register(String clientId, Path jwks) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(issuer.idpIssuer() + "/admin/clients/" + clientId + "/jwks"))
                .header("Authorization", "Bearer " + issuer.adminToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofFile(jwks)).build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static void switchRefreshTokenSubject(boolean on) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(issuer.idpIssuer() + "/admin/idp-features"))
                .header("Authorization", "Bearer " + issuer.adminToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"refreshTokenSubject\":" + on + "}")).build();
        assertThat(HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    private static List<String> exchangesInAudit() throws Exception {
        return Files.readAllLines(issuer.auditFile()).stream().filter(l -> l.contains("\"subjectTokenType\"")).toList();
    }

    @Test
    void keyCreateRegisterLoginAndATokenWithoutAnySecretThenTheRefreshTokenSubjectAndItsFallback() throws Exception {
        new InstallClientKey(KEYRING).delete();
        XaaProcess xaa = XaaProcess.in(dir.resolve("no-secret"));
        Path jwks = dir.resolve("jwks.json");
        List<CommandRun> runs = new ArrayList<>();

        CommandRun created = xaa.run("key", "create", "--jwks-out", jwks.toString());
        runs.add(created);
        ok(created);
        register(SampleIssuers.IDP_CLIENT, jwks);
        register(SampleIssuers.AS_CLIENT, jwks);
        String idp = issuer.idpIssuer().toString();
        CommandRun setIdp = xaa.run("idp", idp, "--client-id", SampleIssuers.IDP_CLIENT, "--auth-method", "private_key_jwt");
        runs.add(setIdp);
        ok(setIdp);
        assertThat(setIdp.out()).contains("the client authenticates with the client key (kid ");
        ok(xaa.run("server", "add", "notes", issuer.server("notes").toString(), "--as-client-id", SampleIssuers.AS_CLIENT));
        CommandRun doctor = xaa.run("doctor");
        runs.add(doctor);
        assertThat(doctor.out()).contains("client key for private_key_jwt: ES256, kid ");

        CommandRun login = xaa.login("alice");
        runs.add(login);
        ok(login);
        CommandRun token = xaa.run("token", "notes");
        runs.add(token);
        ok(token);
        assertThat(token.out()).startsWith("Authorization: ");

        // the refresh token was the subject of that exchange (ID-JAG draft -04 §4.3.2)
        assertThat(exchangesInAudit()).anyMatch(l -> l.contains("\"allow\"") && l.contains("\"subjectTokenType\":\"refresh_token\""));

        // the IdP's switch off: invalid_request, then the ID token in the same renewal
        switchRefreshTokenSubject(false);
        try {
            int before = exchangesInAudit().size();
            CommandRun fallback = xaa.run("token", "notes");
            runs.add(fallback);
            ok(fallback);
            List<String> after = exchangesInAudit().subList(before, exchangesInAudit().size());
            assertThat(after).hasSize(2);
            assertThat(after.get(0)).contains("\"deny\"", "\"subjectTokenType\":\"refresh_token\"");
            assertThat(after.get(1)).contains("\"allow\"", "\"subjectTokenType\":\"id_token\"");
        } finally {
            switchRefreshTokenSubject(true);
        }

        // no secret anywhere: not in the config, no client secret in the keyring, the private key nowhere but there
        String d = ((ECKey) JWK.parse(KEYRING.read(InstallClientKey.ENTRY).orElseThrow())).getD().toString();
        assertThat(Files.readString(xaa.config())).contains("private_key_jwt").doesNotContain("secret").doesNotContain(d);
        assertThat(KEYRING.read(ClientCredentialsSource.secretKey(idp, SampleIssuers.IDP_CLIENT))).isEmpty();
        assertThat(KEYRING.read(ClientCredentialsSource.secretKey(issuer.asIssuer().toString(), SampleIssuers.AS_CLIENT))).isEmpty();
        assertThat(Files.readString(jwks)).doesNotContain(d);
        assertThat(Files.readString(issuer.auditFile())).doesNotContain(d);
        assertThat(runs).allSatisfy(r -> assertThat(r.out()).doesNotContain(d).doesNotContain("\"d\""));
    }
}
