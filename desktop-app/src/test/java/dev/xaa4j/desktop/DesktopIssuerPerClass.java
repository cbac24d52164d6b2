package dev.xaa4j.desktop;

import dev.xaa4j.sample.SampleIssuerPerClass;
import org.junit.jupiter.api.BeforeAll;

/** For desktop test classes that share one sample issuer per class, with the 6 s access tokens of {@link DesktopFixture}. */
abstract class DesktopIssuerPerClass extends SampleIssuerPerClass {

    /** Hides {@link SampleIssuerPerClass}'s: {@link DesktopFixture#startIssuer}. */
    @BeforeAll
    protected static void startIssuer() throws Exception {
        issuer = DesktopFixture.startIssuer(issuerState);
    }
}
