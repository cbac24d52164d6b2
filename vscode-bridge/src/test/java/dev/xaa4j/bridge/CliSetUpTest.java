package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.XaaProcess.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The set-up path as a new user types it (a fresh-clone review): settings that silently contradict each other,
 * library wording where a command belongs, URLs accepted where they are typed but unusable later, and doctor
 * hints that contradict its own diagnosis. Real {@code xaa} processes against the sample issuer over real HTTP
 * and the OS keyring of {@code .ci/with-keyring}. The keyring is shared by the tests of this class (same issuer
 * and client ids), so each asserts only what holds whatever the others stored.
 */
@Tag("slow")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CliSetUpTest extends KeyringIssuer {

    private static final String IDP_SECRET = "xaa-desktop-demo-secret";

    @AfterAll
    static void signOut() throws Exception {
        if (issuer != null) {
            XaaProcess.in(dir.resolve("signout")).run("idp", issuer.idpIssuer().toString(), "--client-id", "xaa-desktop");
            XaaProcess.in(dir.resolve("signout")).run("logout"); // then KeyringIssuer closes the issuer
        }
    }

    /** Problem 1: an IdP client secret next to auth method none (the default) is used, or flagged, never ignored. */
    @Test
    void aClientSecretNextToAuthMethodNoneIsSwitchedToOrFlaggedNeverSilentlyUnused() throws Exception {
        XaaProcess xaa = XaaProcess.in(dir.resolve("secret-none"));
        String idp = issuer.idpIssuer().toString();
        ok(xaa.run("idp", idp, "--client-id", "xaa-desktop")); // --auth-method defaults to none
        ok(xaa.run("server", "add", "notes", issuer.server("notes").toString()));

        CommandRun asSecret = xaa.run("x\n", Map.of(), "secret", "set", "as-client-secret", "notes");
        assertThat(asSecret.exit()).as(asSecret.out()).isEqualTo(2);
        assertThat(asSecret.out()).contains("which is none", "`xaa idp " + idp + " --client-id xaa-desktop --auth-method client_secret_basic`");

        CommandRun doctorNone = xaa.run("doctor");
        assertThat(doctorNone.exit()).as(doctorNone.out()).isNotZero();
        assertThat(doctorNone.out()).contains("FAIL  the IdP client xaa-desktop uses auth method none",
                "the IdP accepts only [client_secret_basic", "→ run `xaa idp " + idp + " --client-id xaa-desktop --auth-method client_secret_basic`");

        CommandRun refused = xaa.login("alice");
        assertThat(refused.exit()).as(refused.out()).isEqualTo(1);
        assertThat(refused.out()).contains("invalid_client", "auth method none",
                "`xaa idp " + idp + " --client-id xaa-desktop --auth-method client_secret_basic`", "`xaa secret set idp-client-secret`");

        CommandRun set = KeyringWrites.retry(() -> xaa.run(IDP_SECRET + "\n", Map.of(), "secret", "set", "idp-client-secret"));
        ok(set);
        assertThat(set.out()).contains("stored idp-client-secret", "now authenticates with client_secret_basic")
                .doesNotContain(IDP_SECRET);
        assertThat(Files.readString(xaa.config())).contains("client_secret_basic").doesNotContain(IDP_SECRET);
        assertThat(xaa.run("doctor").out()).contains("client id xaa-desktop (client_secret_basic)")
                .doesNotContain("FAIL  the IdP client");
        ok(xaa.login("alice"));
        ok(xaa.run("logout"));

        ok(xaa.run("idp", idp, "--client-id", "xaa-desktop", "--auth-method", "none")); // back to none, secret still stored
        CommandRun unused = xaa.run("doctor");
        assertThat(unused.out()).contains("so the client secret stored in the keyring is never used")
                .doesNotContain(IDP_SECRET);
    }

    /**
     * Problem 2: a missing AS client secret names `xaa secret set as-client-secret SERVER` and the client-id
     * fallback, in `xaa token` and `doctor` alike, with the table's "other failure". Problem 4: signed out, the
     * token command names `xaa login`.
     */
    @Test
    void aMissingAsSecretNamesTheCommandAndTheClientIdFallbackAndSignedOutNamesLogin() throws Exception {
        XaaProcess xaa = XaaProcess.in(dir.resolve("as-secret"));
        ok(xaa.run("idp", issuer.idpIssuer().toString(), "--client-id", "xaa-desktop", "--auth-method", "client_secret_basic"));
        ok(KeyringWrites.retry(() -> xaa.run(IDP_SECRET + "\n", Map.of(), "secret", "set", "idp-client-secret")));
        ok(xaa.run("server", "add", "notes", issuer.server("notes").toString())); // no --as-client-id
        ok(xaa.run("logout"));

        CommandRun signedOut = xaa.run("token", "notes");
        assertThat(signedOut.exit()).as(signedOut.out()).isEqualTo(3);
        assertThat(signedOut.out()).contains("not signed in", "`xaa login`");

        ok(xaa.login("bob"));
        CommandRun token = xaa.run("token", "notes");
        assertThat(token.exit()).as("other failure: " + token.out()).isEqualTo(1);
        CommandRun doctor = xaa.run("doctor", "notes");
        assertThat(doctor.exit()).as("other failure: " + doctor.out()).isEqualTo(1);
        for (CommandRun r : new CommandRun[] {token, doctor}) {
            assertThat(r.out()).contains("`xaa secret set as-client-secret notes`",
                    "the AS client id fell back to the IdP's (xaa-desktop)", "--as-client-id ID", "`xaa server add --help`")
                    .doesNotContain("ClientCredentialsSource").doesNotContain("check the server's entry");
        }
        ok(xaa.run("logout"));
    }

    /** Problem 3: user-typed URLs are checked where typed (usage error naming the fault); doctor blames no admin for them. */
    @Test
    void urlsAreCheckedWhereTypedAndDoctorDoesNotBlameAnAdministratorForThem() throws Exception {
        XaaProcess xaa = XaaProcess.in(dir.resolve("urls"));
        CommandRun http = xaa.run("idp", "http://idp.example.com", "--client-id", "xaa-desktop");
        assertThat(http.exit()).as(http.out()).isEqualTo(2);
        assertThat(http.out()).contains("does not use https");
        CommandRun queryFragment = xaa.run("idp", "https://idp.example.com/?x=1#f", "--client-id", "xaa-desktop");
        assertThat(queryFragment.exit()).as(queryFragment.out()).isEqualTo(2);
        assertThat(queryFragment.out()).contains("fragment");
        CommandRun query = xaa.run("idp", "https://idp.example.com/?x=1", "--client-id", "xaa-desktop");
        assertThat(query.exit()).as(query.out()).isEqualTo(2);
        assertThat(query.out()).contains("query", "RFC 8414");
        assertThat(xaa.config()).as("nothing unusable is stored").doesNotExist();

        CommandRun server = xaa.run("server", "add", "notes", "http://mcp.example.com/mcp");
        assertThat(server.exit()).as(server.out()).isEqualTo(2);
        assertThat(server.out()).contains("does not use https");
        CommandRun pinned = xaa.run("server", "add", "notes", "https://mcp.example.com/mcp", "--pinned-as-issuer", "https://as.example.com/?a=1");
        assertThat(pinned.exit()).as(pinned.out()).isEqualTo(2);
        assertThat(pinned.out()).contains("--pinned-as-issuer", "query");
        ok(xaa.run("server", "add", "notes", "https://mcp.example.com/mcp?tenant=1")); // a query is fine for an endpoint
        ok(xaa.run("idp", "http://127.0.0.1:1/idp", "--client-id", "xaa-desktop")); // plain http on loopback only

        // a config file written by hand is reported as the user's to fix, not an administrator's
        Files.writeString(xaa.config(), "{\"idp\":{\"issuer\":\"http://idp.example.com\",\"clientId\":\"xaa-desktop\"}}");
        CommandRun doctor = xaa.run("doctor");
        assertThat(doctor.exit()).as(doctor.out()).isNotZero();
        assertThat(doctor.out()).contains("in your configuration", "does not use https", "`xaa idp ISSUER --client-id ID`")
                .doesNotContain("administrator to fix").doesNotContain("server's administrator");
    }

    /** Problem 5: doctor's next step follows the error's kind: an issuer mismatch is not a network problem. */
    @Test
    void doctorsHintAfterAnIssuerMismatchNamesTheIssuerNotTheNetwork() throws Exception {
        XaaProcess xaa = XaaProcess.in(dir.resolve("mismatch"));
        String slash = issuer.idpIssuer() + "/";
        Files.createDirectories(xaa.config().getParent());
        Files.writeString(xaa.config(), "{\"idp\":{\"issuer\":\"" + slash + "\",\"clientId\":\"xaa-desktop\"}}");
        CommandRun doctor = xaa.run("doctor");
        assertThat(doctor.exit()).as(doctor.out()).isNotZero();
        assertThat(doctor.out()).contains("says its issuer is", "→ set the issuer again, exactly as the IdP announces it")
                .doesNotContain("your network");
    }
}
