package dev.xaa4j.connector.internal.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.xaa4j.sample.SampleIssuerPerClass;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Discovery from only the URL against the real sample issuer over HTTP. */
class SampleIssuerDiscoveryTest extends SampleIssuerPerClass {

    @Test
    void discoversNotesAndTicketsFromTheirUrlsAlone() {
        Discovery discovery = new Discovery();
        for (String name : new String[] {"notes", "tickets"}) {
            URI url = issuer.server(name);
            ServerMetadata md = discovery.server(url, Optional.of(issuer.asIssuer().toString()));

            assertThat(md.serverUrl()).isEqualTo(url);
            assertThat(md.resource()).isEqualTo(url.toString());
            assertThat(md.asIssuer()).isEqualTo(issuer.asIssuer().toString());
            assertThat(md.asTokenEndpoint().toString()).startsWith(issuer.asIssuer().toString());
            assertThat(md.scopesSupported()).contains(name + ".read");
            assertThat(md.challengedScope()).hasValueSatisfying(s -> assertThat(s).contains(name + "."));
            assertThat(md.resourceMetadataUrl().toString()).contains("/.well-known/oauth-protected-resource");
        }
    }

    @Test
    void discoversTheIdp() {
        OIDCProviderMetadata idp = new Discovery().idp(issuer.idpIssuer());

        assertThat(idp.getIssuer().getValue()).isEqualTo(issuer.idpIssuer().toString());
        assertThat(idp.getTokenEndpointURI()).isNotNull();
        assertThat(idp.getAuthorizationEndpointURI()).isNotNull();
        assertThat(idp.supportsAuthorizationResponseIssuerParam()).isTrue();
    }
}
