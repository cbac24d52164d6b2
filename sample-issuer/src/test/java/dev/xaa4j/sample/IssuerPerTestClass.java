package dev.xaa4j.sample;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * For test classes that share one sample issuer with the default settings: started once per test class on free
 * ports, its state in a temporary directory ({@link #state}). The fields are static and reassigned per class, so
 * the classes must not run concurrently (this module runs them one by one).
 */
public abstract class IssuerPerTestClass {

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
            issuer.close();
        } finally {
            issuer = null; // not seen by the next class
        }
    }
}
