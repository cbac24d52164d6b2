package dev.xaa4j.connector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.connector.internal.store.SessionStore;
import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.sample.SampleIssuers;
import dev.xaa4j.testing.ChildJvm;
import dev.xaa4j.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several JVMs share one IdP session in the OS keyring and renew concurrently while ID tokens live 4 s and
 * every refresh rotates the refresh token (docs/protocol.md §4 refresh-token hygiene). The file lock plus the
 * re-read of the store inside it must make exactly one process spend each refresh token: a reused one would
 * make the sample IdP revoke the whole family and every process would lose the session.
 *
 * <p>Needs a Secret Service: run under {@code .ci/with-keyring}. Duration: {@code -Dxaa4j.crossprocess.seconds}.
 */
@Tag("slow")
class CrossProcessTest {

    static final int WORKERS = Integer.getInteger("xaa4j.crossprocess.workers", 4);
    static final int SECONDS = Integer.getInteger("xaa4j.crossprocess.seconds", 20);

    @TempDir
    Path tmp;

    @Test
    void severalJvmsRenewFromOneKeyringSessionWithRotatingRefreshTokensAndNoneLosesIt() throws Exception {
        Assumptions.assumeTrue(System.getenv("DBUS_SESSION_BUS_ADDRESS") != null,
                "needs a Secret Service keyring: run under .ci/with-keyring");
        String service = "xaa4j-test-xproc-" + System.nanoTime();
        Path stateDir = tmp.resolve("state");
        try (SampleIssuer issuer = SampleIssuers.start(tmp.resolve("issuer"),
                s -> s.withLifetimes(Duration.ofSeconds(4), Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofSeconds(2)))) {
            // the rotating ID-token refresh across JVMs is what is tested here: with the refresh token as subject_token
            // (the default where the IdP takes it) an exchange needs no ID token, so that path is switched off
            issuer.idpFeatures().refreshTokenSubject(false);
            KeyringCredentialStore store = new KeyringCredentialStore(service);
            SessionStore sessions = new SessionStore(store, stateDir.resolve("locks"));
            try {
                Connector.Builder b = SampleIssuerFixture.connector(issuer.idpIssuer(), Map.of("notes", issuer.server("notes")),
                        store, stateDir);
                try (Connector c = SampleIssuerFixture.withTestBrowser(b, tmp, "alice").build()) {
                    c.signIn().get(90, TimeUnit.SECONDS);
                }
                String rt0 = sessions.load(issuer.idpIssuer().toString(), SampleIssuerFixture.IDP_CLIENT).orElseThrow()
                        .refreshToken().orElseThrow();

                List<Process> workers = new ArrayList<>();
                List<CompletableFuture<String>> outputs = new ArrayList<>();
                for (int i = 0; i < WORKERS; i++) {
                    Process p = Processes.start(ChildJvm.builder(List.of(), Map.of(), CrossProcessWorker.class,
                            issuer.idpIssuer().toString(), issuer.server("notes").toString(), service,
                            stateDir.toString(), Integer.toString(SECONDS)));
                    p.getOutputStream().close();
                    workers.add(p);
                    outputs.add(Processes.drain(p.getInputStream(), "worker-" + i)); // all drained at once
                }
                List<String> results = new ArrayList<>();
                for (int i = 0; i < WORKERS; i++) {
                    Process p = workers.get(i);
                    CompletableFuture<String> output = outputs.get(i);
                    Processes.awaitExit(p, Duration.ofSeconds(SECONDS + 240L), "worker " + i, () -> Processes.partial(output));
                    String out = output.get(10, TimeUnit.SECONDS);
                    assertThat(p.exitValue()).as(out).isZero();
                    assertThat(out).doesNotContain("eyJ");
                    results.add(out.lines().filter(l -> l.startsWith("RESULT")).findFirst().orElse(out));
                }
                results.forEach(r -> System.err.println("CROSSPROCESS " + r));

                for (String r : results) {
                    assertThat(number(r, "signInRequired")).as(r).isZero();
                    assertThat(number(r, "denied")).as(r).isZero();
                    assertThat(number(r, "other")).as(r).isZero();
                    assertThat(number(r, "ok")).as(r).isGreaterThan(SECONDS * 10);
                    assertThat(number(r, "renewals")).as(r).isGreaterThanOrEqualTo(SECONDS / 2);
                }
                List<String> audit = Files.readAllLines(issuer.auditFile());
                long refreshed = audit.stream().filter(l -> l.contains("\"refresh\"") && l.contains("\"allow\"")).count();
                long refused = audit.stream().filter(l -> l.contains("\"refresh\"") && l.contains("\"deny\"")).count();
                System.err.printf("CROSSPROCESS workers=%d seconds=%d idpRefreshes=%d refusedRefreshes=%d%n",
                        WORKERS, SECONDS, refreshed, refused);
                assertThat(refused).as("refresh tokens reused (family revocation)").isZero();
                assertThat(refreshed).as("ID tokens of 4 s must have been refreshed").isGreaterThanOrEqualTo(SECONDS / 4);

                // the session is still alive: rotated, and usable by a fresh process
                var session = sessions.load(issuer.idpIssuer().toString(), SampleIssuerFixture.IDP_CLIENT).orElseThrow();
                assertThat(session.refreshToken()).isPresent().isNotEqualTo(java.util.Optional.of(rt0));
                try (Connector after = SampleIssuerFixture.connector(issuer.idpIssuer(), Map.of("notes", issuer.server("notes")),
                        store, stateDir).journal(false).build()) {
                    assertThat(after.token("notes").scopes()).contains("notes.read");
                }
            } finally {
                sessions.delete(issuer.idpIssuer().toString(), SampleIssuerFixture.IDP_CLIENT);
            }
        }
    }

    static long number(String line, String name) {
        Matcher m = Pattern.compile(name + "=(\\d+)").matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
