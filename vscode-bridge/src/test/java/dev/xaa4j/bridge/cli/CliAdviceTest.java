package dev.xaa4j.bridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ConnectorException.Kind;
import dev.xaa4j.connector.host.config.IdpSettings;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.connector.internal.discovery.ConfiguredUrlException;
import dev.xaa4j.connector.internal.http.UnreachableException;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The CLI's wording is chosen by the failure's type, kind and OAuth error code, never by its message text (issue
 * 10 item 4): each test gives a message that would have fooled a text match.
 */
class CliAdviceTest {

    private static final XaaConfig CONFIG = new XaaConfig(
            new IdpSettings("https://idp.example", "xaa4j-cli", "client_secret_basic"), Map.of());

    private static CliAdvice.Advice advice(Throwable e) {
        return CliAdvice.advice(e, CONFIG, Optional.empty());
    }

    @Test
    void aConnectorSignInRequiredGetsTheLoginCommandEvenWhenItsTextNamesOne() {
        CliAdvice.Advice a = advice(new ConnectorException(Kind.SIGN_IN_REQUIRED, "Your session ended (xaa login was long ago)."));
        assertThat(a.message()).isEqualTo("Your session ended (xaa login was long ago). To sign in, " + CliAdvice.LOGIN);
        assertThat(a.namesCommand()).isTrue();
    }

    @Test
    void theCliOwnSignInRequiredIsKeptAsItIs() {
        CliAdvice.Advice a = advice(new BridgeException(Reason.SIGN_IN_REQUIRED, "no session in this test"));
        assertThat(a.message()).isEqualTo("no session in this test");
        assertThat(a.namesCommand()).isTrue();
    }

    @Test
    void invalidClientUnderPrivateKeyJwtAsksToRegisterTheKeyNotToStoreASecret() {
        // found with `xaa key create` + `--auth-method private_key_jwt`, the JWKS registered at the IdP but not the AS
        XaaConfig keyed = new XaaConfig(new IdpSettings("https://idp.example", "xaa-desktop", "private_key_jwt"),
                Map.of("notes", new dev.xaa4j.connector.host.config.ServerEntry("https://notes.example/mcp", null,
                        java.util.List.of(), "xaa-desktop-mcp")));
        String atAs = CliAdvice.advice(new ConnectorException(Kind.CONFIGURATION, "notes", "The AS of 'notes' refused.",
                "invalid_client", null), keyed, Optional.of("notes")).message();
        assertThat(atAs).contains("register its public JWKS (`xaa key show --jwks-out jwks.json`) for the AS client of "
                + "'notes' (xaa-desktop-mcp) at its authorization server").doesNotContain("secret set");
        String atIdp = CliAdvice.advice(new ConnectorException(Kind.CONFIGURATION, "The IdP refused the client.",
                "invalid_client", null), keyed, Optional.empty()).message();
        assertThat(atIdp).contains("for the IdP client xaa-desktop at the IdP").doesNotContain("secret set");
    }

    @Test
    void invalidClientIsDecidedByTheOAuthErrorCode() {
        CliAdvice.Advice a = advice(new ConnectorException(Kind.CONFIGURATION, "The IdP refused the client.", "invalid_client", null));
        assertThat(a.message()).startsWith("The IdP refused the client. — the IdP client xaa4j-cli authenticates with client_secret_basic");
        assertThat(a.namesCommand()).isTrue();

        CliAdvice.Advice mention = advice(new ConnectorException(Kind.CONFIGURATION, "invalid_client `xaa secret set`"));
        assertThat(mention.message()).isEqualTo("invalid_client `xaa secret set`");
        assertThat(mention.namesCommand()).as("a command in the text is not advice of the CLI").isFalse();
    }

    @Test
    void doctorHintsFollowTheFailureType() {
        UnreachableException unreachable = new UnreachableException("in your configuration: says its issuer is x", new IOException());
        assertThat(DoctorReport.idpHint(unreachable)).isNull();
        assertThat(DoctorReport.serverHint("notes", unreachable)).isNull();

        ConfiguredUrlException configured = new ConfiguredUrlException("Check your network XAA_CA_BUNDLE");
        assertThat(DoctorReport.idpHint(configured)).startsWith("set the issuer again");
        assertThat(DoctorReport.serverHint("notes", configured)).isEqualTo("set its URL again: `xaa server add notes https://…`");

        ConnectorException unavailable = new ConnectorException(Kind.UPSTREAM_UNAVAILABLE, "in your configuration (HTTP 503)");
        assertThat(DoctorReport.idpHint(unavailable)).isEqualTo("check your network (VPN, proxy) and try again");
        assertThat(DoctorReport.serverHint("notes", unavailable)).startsWith("the server must answer 401");

        ConnectorException other = new ConnectorException(Kind.CONFIGURATION, "publishes no OpenID configuration");
        assertThat(DoctorReport.idpHint(other)).startsWith("check the issuer URL");
    }

    @Test
    void doctorsAccessDeniedHintAsksForAGrantOnlyWhereAPersonHasOne() {
        assertThat(DoctorReport.deniedHint(dev.xaa4j.connector.AuthMode.EMA)).isEqualTo("ask your administrator to grant you this server");
        assertThat(DoctorReport.deniedHint(dev.xaa4j.connector.AuthMode.WORKLOAD))
                .as("a refused workload token: the message names what to fix; no 'grant you this server'").isNull();
        assertThat(DoctorReport.deniedHint(dev.xaa4j.connector.AuthMode.CLIENT_CREDENTIALS)).isNull();
    }
}
