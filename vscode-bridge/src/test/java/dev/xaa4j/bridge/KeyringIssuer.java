package dev.xaa4j.bridge;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import java.nio.file.Path;

/**
 * The set-up of tests that run {@code xaa} processes against the sample issuer over real HTTP and the OS keyring:
 * they run only inside {@code .ci/with-keyring} (a throwaway keyring, marked by {@code XAA_REAL_HOME}).
 */
final class KeyringIssuer {

    private KeyringIssuer() {
    }

    /** Skips the test (class) outside {@code .ci/with-keyring}. */
    static void assumeKeyring() {
        assumeTrue(System.getenv("XAA_REAL_HOME") != null, "needs the throwaway keyring of .ci/with-keyring");
    }

    /** The sample issuer on free ports with its state in {@code dir/issuer}. */
    static SampleIssuer start(Path dir) throws Exception {
        return SampleIssuer.start(IssuerSettings.defaults(dir.resolve("issuer")).withPortBase(0));
    }

    /** {@link #assumeKeyring()}, then {@link #start(Path)}. */
    static SampleIssuer startWithKeyring(Path dir) throws Exception {
        assumeKeyring();
        return start(dir);
    }

    static void close(SampleIssuer issuer) throws Exception {
        if (issuer != null) {
            issuer.close();
        }
    }
}
