package dev.xaa4j.sample.idp;

import static dev.xaa4j.sample.idp.IdpTestClient.demoBasic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An expired subject ID token cannot be exchanged (PROTOCOL.md §3.2 step 3, RFC 8693 §2.2.2). */
class IdpExpiredIdTokenTest {

    @Test
    void expiredIdTokenIsInvalidRequest(@TempDir Path state) throws Exception {
        try (SampleIssuer issuer = SampleIssuer.start(IssuerSettings.defaults(state).withPortBase(0)
                .withLifetimes(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(5),
                        Duration.ofMinutes(5)))) {
            IdpTestClient client = new IdpTestClient(issuer.idpIssuer());
            String idToken = client.idToken("alice");
            Thread.sleep(1_100);
            HttpResponse<String> r = client.exchange(idToken, issuer.asIssuer().toString(),
                    issuer.server("notes").toString(), "notes.read", demoBasic());
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_request")
                    .containsEntry("error_description", "subject_token has expired; refresh the ID token and retry");
        }
    }
}
