package dev.xaa4j.sample.idp;

import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * For IdP test classes that share one sample issuer: started once per test class on free ports, its state in a
 * temporary directory ({@link #state}), with an {@link IdpTestClient} for its IdP ({@link #client}). The fields
 * are static and reassigned per class, so the classes must not run concurrently (this module runs them one by one).
 */
abstract class SampleIssuerPerClass {

    @TempDir
    static Path state;
    static SampleIssuer issuer;
    static IdpTestClient client;

    @BeforeAll
    static void startIssuer() throws Exception {
        issuer = SampleIssuer.start(IssuerSettings.defaults(state).withPortBase(0));
        client = new IdpTestClient(issuer.idpIssuer());
    }

    @AfterAll
    static void stopIssuer() throws Exception {
        try {
            issuer.close();
        } finally {
            issuer = null; // not seen by the next class
        }
    }
}
