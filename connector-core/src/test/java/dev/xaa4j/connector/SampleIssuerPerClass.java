package dev.xaa4j.connector;

import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.store.SessionStore;
import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * For test classes that run connectors against one sample issuer over real HTTP: started once per test class on
 * free ports, its state in {@link #issuerState}; each test has its own {@link #tmp}. The static fields are
 * reassigned per class, so the classes must not run concurrently (this module runs them one by one).
 */
public abstract class SampleIssuerPerClass {

    @TempDir
    protected static Path issuerState;
    protected static SampleIssuer issuer;

    @TempDir
    protected Path tmp;

    @BeforeAll
    protected static void startIssuer() throws Exception {
        issuer = SampleIssuer.start(IssuerSettings.defaults(issuerState).withPortBase(0));
    }

    @AfterAll
    protected static void stopIssuer() throws Exception {
        try {
            issuer.close();
        } finally {
            issuer = null; // not seen by the next class
        }
    }

    /** A connector for the sample issuer's IdP and servers, its state in {@code tmp/state}, no journal. */
    protected Connector.Builder issuerConnector(CredentialStore store) {
        return SampleIssuerFixture.connector(issuer.idpIssuer(), issuer.servers(), store, tmp.resolve("state")).journal(false);
    }

    /** The session store those connectors use (same credential store, same lock directory). */
    protected SessionStore sessions(CredentialStore store) {
        return new SessionStore(store, tmp.resolve("state").resolve("locks"));
    }
}
