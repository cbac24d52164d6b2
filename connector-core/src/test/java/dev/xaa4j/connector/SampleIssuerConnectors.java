package dev.xaa4j.connector;

import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.store.SessionStore;
import dev.xaa4j.sample.SampleIssuerPerClass;

/**
 * For test classes that run connectors against one sample issuer per class ({@link SampleIssuerPerClass}): the
 * connector and the session store wired to it, their state in the test's own {@code tmp/state}.
 */
public abstract class SampleIssuerConnectors extends SampleIssuerPerClass {

    /** A connector for the sample issuer's IdP and servers, its state in {@code tmp/state}, no journal. */
    protected Connector.Builder issuerConnector(CredentialStore store) {
        return SampleIssuerFixture.connector(issuer.idpIssuer(), issuer.servers(), store, tmp.resolve("state")).journal(false);
    }

    /** The session store those connectors use (same credential store, same lock directory). */
    protected SessionStore sessions(CredentialStore store) {
        return new SessionStore(store, tmp.resolve("state").resolve("locks"));
    }
}
