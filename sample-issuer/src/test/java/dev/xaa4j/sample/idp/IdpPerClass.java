package dev.xaa4j.sample.idp;

import dev.xaa4j.sample.SampleIssuerPerClass;
import org.junit.jupiter.api.BeforeAll;

/**
 * For IdP test classes that share one sample issuer: started once per test class on free ports, its state in a
 * temporary directory ({@link #issuerState}), with an {@link IdpTestClient} for its IdP ({@link #client}). The fields
 * are static and reassigned per class, so the classes must not run concurrently (this module runs them one by one).
 */
abstract class IdpPerClass extends SampleIssuerPerClass {

    static IdpTestClient client;

    @BeforeAll
    static void idpClient() {
        client = new IdpTestClient(issuer.idpIssuer());
    }
}
