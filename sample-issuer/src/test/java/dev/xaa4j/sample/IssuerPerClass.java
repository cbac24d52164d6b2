package dev.xaa4j.sample;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * For this module's test classes that share one sample issuer: started once per test class on free ports, its
 * state in a temporary directory ({@link #issuerState}), closed after the class. The fields are static and reassigned
 * per class, so the classes must not run concurrently (the modules run test classes one by one). In this
 * module's test jar: test-support's SampleIssuerPerClass builds on it for the other modules' tests.
 */
public abstract class IssuerPerClass {

    @TempDir
    protected static Path issuerState;
    protected static SampleIssuer issuer;

    @BeforeAll
    protected static void startIssuer() throws Exception {
        issuer = SampleIssuer.start(IssuerSettings.defaults(issuerState).withPortBase(0));
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
