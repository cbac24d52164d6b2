package dev.xaa4j.sample;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * For test classes that share one sample issuer over real HTTP: started once per test class on free ports
 * ({@link SampleIssuers#start(Path)}), its state in {@link #issuerState}, closed after the class; each test has
 * its own {@link #tmp}. A class that needs other settings hides {@code startIssuer()} with its own
 * {@code @BeforeAll protected static void startIssuer()}. The static fields are reassigned per class, so such
 * classes must not run concurrently (the modules run test classes one by one). In this module's test jar, which
 * the other modules' tests use.
 */
public abstract class SampleIssuerPerClass {

    @TempDir
    protected static Path issuerState;
    protected static SampleIssuer issuer;

    @TempDir
    protected Path tmp;

    @BeforeAll
    protected static void startIssuer() throws Exception {
        issuer = SampleIssuers.start(issuerState);
    }

    @AfterAll
    protected static void stopIssuer() throws Exception {
        try {
            if (issuer != null) {
                issuer.close();
            }
        } finally {
            issuer = null; // not seen by the next class
        }
    }
}
