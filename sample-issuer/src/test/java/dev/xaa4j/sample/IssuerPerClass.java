package dev.xaa4j.sample;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * For this module's test classes that share one sample issuer: started once per test class on free ports, its
 * state in a temporary directory ({@link #state}), closed after the class. The fields are static and reassigned
 * per class, so the classes must not run concurrently (this module runs them one by one). The other modules'
 * tests use test-support's SampleIssuerPerClass (which depends on this module, so this module cannot use it).
 */
public abstract class IssuerPerClass {

    @TempDir
    protected static Path state;
    protected static SampleIssuer issuer;

    @BeforeAll
    protected static void startIssuer() throws Exception {
        issuer = SampleIssuer.start(IssuerSettings.defaults(state).withPortBase(0));
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
