package dev.xaa4j.sample.idp;

import dev.xaa4j.sample.IssuerPerTestClass;
import org.junit.jupiter.api.BeforeAll;

/** For IdP test classes that share one sample issuer ({@link IssuerPerTestClass}), with an {@link IdpTestClient} for its IdP. */
abstract class SampleIssuerPerClass extends IssuerPerTestClass {

    static IdpTestClient client;

    @BeforeAll
    static void startClient() {
        client = new IdpTestClient(issuer.idpIssuer());
    }
}
