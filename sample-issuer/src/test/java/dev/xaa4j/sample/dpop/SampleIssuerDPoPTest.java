package dev.xaa4j.sample.dpop;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.sample.SampleIssuerPerClass;
import org.junit.jupiter.api.AfterEach;

/**
 * For DPoP test classes sharing one sample issuer ({@link SampleIssuerPerClass}): a fresh client DPoP {@link #key}
 * per test, and every DPoP switch (nonces, requireDpop) off again after each test. In this module's test jar.
 */
public abstract class SampleIssuerDPoPTest extends SampleIssuerPerClass {

    protected static final ObjectMapper JSON = new ObjectMapper();

    /** This test's client key. */
    protected final DPoPProofs key = DPoPProofs.newKey();

    /** Turns the switches of {@code POST /admin/dpop} on for this test, e.g. {@code {"asNonce":true}}. */
    protected static void dpop(String switches) throws Exception {
        issuer.dpopModes().set(JSON.readTree(switches));
    }

    @AfterEach
    protected void dpopSwitchesOff() throws Exception {
        dpop("{\"reset\":true}");
    }
}
