package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ConnectorException.Kind;
import dev.xaa4j.connector.ServerState;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The tray's words for each kind of failure: chosen by the kind, never by the message text. */
class PlainLanguageKindTest {

    /** Kind → how the "what happened" sentence of a failed sign-in starts. */
    static final Map<Kind, String> WHAT = Map.ofEntries(
            Map.entry(Kind.SIGN_IN_REQUIRED, "You are not signed in."),
            Map.entry(Kind.SERVER_SIGN_IN_REQUIRED, "\"notes\" needs you to sign in to it."),
            Map.entry(Kind.NOT_PROTECTED, "\"notes\" needs no sign-in."),
            Map.entry(Kind.SIGN_IN_FAILED, "The sign-in was refused"),
            Map.entry(Kind.ACCESS_DENIED, "Access to \"notes\" was refused or revoked."),
            Map.entry(Kind.SERVER_NOT_ENABLED, "Your administrator has not enabled \"notes\" for you."),
            Map.entry(Kind.SUBJECT_TOKEN_REJECTED, "This app is not set up correctly: "),
            Map.entry(Kind.UPSTREAM_UNAVAILABLE, "Cannot reach your sign-in service (idp.example)."),
            Map.entry(Kind.CONFIGURATION, "This app is not set up correctly: "),
            Map.entry(Kind.CREDENTIAL_STORE, "Your system keyring is locked or not responding: "),
            Map.entry(Kind.KEYRING_UNAVAILABLE, "This computer has no system keyring to keep your sign-in in: "));

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyKindHasItsWording(Kind kind) {
        // the same message for every kind: only the kind may pick the wording
        String message = kind == Kind.SIGN_IN_FAILED ? "The sign-in was refused (access_denied)." : "revoked, not enabled";
        ConnectorException e = new ConnectorException(kind, "notes", message, null, null);
        PlainLanguage.Problem p = PlainLanguage.failure(new CompletionException(e), "idp.example");
        assertThat(WHAT).containsKey(kind);
        assertThat(p.what()).as("wording of %s", kind).startsWith(WHAT.get(kind));
        assertThat(p.next()).isNotBlank();
    }

    @Test
    void aConfigurationProblemWhileAddingAServerIsTheAddress() {
        ConnectorException e = new ConnectorException(Kind.CONFIGURATION, "no protected resource metadata");
        assertThat(PlainLanguage.addServerFailure(e, null).what())
                .isEqualTo("This address does not look like an MCP server this app can sign in to.");
        assertThat(PlainLanguage.addServerFailure(e, null).next()).endsWith("no protected resource metadata");
    }

    @Test
    void aDenialIsNotEnabledByItsKindNotByItsMessage() {
        Optional<Kind> notEnabled = Optional.of(Kind.SERVER_NOT_ENABLED);
        Optional<Kind> denied = Optional.of(Kind.ACCESS_DENIED);
        assertThat(PlainLanguage.state(ServerState.DENIED, notEnabled, true)).isEqualTo("Not enabled for you");
        assertThat(PlainLanguage.state(ServerState.DENIED, denied, true)).isEqualTo("Access revoked");
        assertThat(PlainLanguage.serverProblem("notes", ServerState.DENIED, notEnabled, false).orElseThrow().what())
                .isEqualTo("Your administrator has not enabled \"notes\" for you.");
        assertThat(PlainLanguage.serverProblem("notes", ServerState.DENIED, denied, false).orElseThrow().what())
                .isEqualTo("You do not have access to \"notes\".");
    }
}
