package dev.xaa4j.desktop;

import dev.xaa4j.connector.SampleIssuerFixture;
import dev.xaa4j.sample.SampleIssuer;

/** Admin calls on the sample issuer used in finally blocks. */
final class SampleIssuerFixtureAdmin {
    private SampleIssuerFixtureAdmin() {
    }

    static void restore(SampleIssuer issuer, String user, String server) throws Exception {
        SampleIssuerFixture.admin(issuer, "restore", user, server);
    }
}
