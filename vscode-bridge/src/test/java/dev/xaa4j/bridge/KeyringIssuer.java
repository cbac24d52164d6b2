package dev.xaa4j.bridge;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.sample.SampleIssuers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-up of tests that run {@code xaa} processes against the sample issuer over real HTTP and the OS keyring:
 * they run only inside {@code .ci/with-keyring} (a throwaway keyring, marked by {@code XAA_REAL_HOME}). A test
 * class extending this one gets the issuer started once ({@link #issuer}, its state under {@link #dir}) and
 * closed after its own {@code @AfterAll}; the static fields are reassigned per class, so such classes must not
 * run concurrently (this module runs them one by one). The static methods serve classes with another order.
 */
abstract class KeyringIssuer {

    private static final ObjectMapper AUDIT_JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static SampleIssuer issuer;

    @BeforeAll
    static void startIssuer() throws Exception {
        issuer = startWithKeyring(dir);
    }

    @AfterAll
    static void closeIssuer() throws Exception {
        try {
            close(issuer);
        } finally {
            issuer = null; // not seen by the next class
        }
    }

    /** Skips the test (class) outside {@code .ci/with-keyring}. */
    static void assumeKeyring() {
        assumeTrue(System.getenv("XAA_REAL_HOME") != null, "needs the throwaway keyring of .ci/with-keyring");
    }

    /** The sample issuer on free ports with its state in {@code dir/issuer}. */
    static SampleIssuer start(Path dir) throws Exception {
        return SampleIssuers.start(dir.resolve("issuer"));
    }

    /** {@link #assumeKeyring()}, then {@link #start(Path)}. */
    static SampleIssuer startWithKeyring(Path dir) throws Exception {
        assumeKeyring();
        return start(dir);
    }

    /** An {@code xaa} command as a test runs it: stdin, then the arguments. */
    interface Xaa {
        CommandRun run(String stdin, String... args) throws Exception;
    }

    /**
     * Points {@code xaa} at {@link #issuer}'s IdP and its {@code notes} server with the demo client secrets:
     * {@code xaa idp}, {@code xaa server add notes}, {@code xaa secret set} twice (keyring writes retried,
     * {@link KeyringWrites}).
     */
    static void configureNotes(Xaa xaa) throws Exception {
        XaaProcess.ok(xaa.run("", "idp", issuer.idpIssuer().toString(), "--client-id", SampleIssuers.IDP_CLIENT,
                "--auth-method", "client_secret_basic"));
        XaaProcess.ok(xaa.run("", "server", "add", "notes", issuer.server("notes").toString(),
                "--as-client-id", SampleIssuers.AS_CLIENT));
        XaaProcess.ok(KeyringWrites.retry(() -> xaa.run(SampleIssuers.IDP_SECRET + "\n", "secret", "set", "idp-client-secret")));
        XaaProcess.ok(KeyringWrites.retry(() -> xaa.run(SampleIssuers.AS_SECRET + "\n", "secret", "set", "as-client-secret",
                "notes")));
    }

    /** {@link #issuer}'s audit: lines per event, allowed decisions only. */
    static Map<String, Long> audit() throws Exception {
        Map<String, Long> counts = new HashMap<>();
        for (String line : Files.readAllLines(issuer.auditFile())) {
            JsonNode n = AUDIT_JSON.readTree(line);
            if (!"deny".equals(n.path("decision").asText())) {
                counts.merge(n.path("event").asText(), 1L, Long::sum);
            }
        }
        return counts;
    }

    /** {@code after - before}, per event. */
    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new HashMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
        return d;
    }

    static void close(SampleIssuer issuer) throws Exception {
        if (issuer != null) {
            issuer.close();
        }
    }
}
