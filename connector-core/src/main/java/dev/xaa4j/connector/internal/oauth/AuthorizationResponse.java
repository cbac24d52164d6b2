package dev.xaa4j.connector.internal.oauth;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.grant.Redaction;
import java.util.List;
import java.util.Map;

/**
 * The checks of an authorization response at the loopback redirect URI (MCP authorization "Authorization Response
 * Validation"; RFC 9207 §2.4, in the order SEP-2468 gives): {@code state} first (a response of another flow is not
 * this flow's and is ignored by the receiver), then {@code iss} — compared with the recorded issuer as plain strings,
 * no normalization; present → must match; absent → rejected when the AS metadata says
 * {@code authorization_response_iss_parameter_supported: true} (not for 2025-03-26 servers, which predate RFC 9207)
 * —, only then {@code error}, and a {@code code} is required. A rejected response ends the flow before any token
 * request, with {@link ConnectorException.Kind#SIGN_IN_FAILED} naming the mismatch. Stateless.
 */
final class AuthorizationResponse {

    private AuthorizationResponse() {
    }

    /** @param issRequired whether the AS promised {@code iss} (RFC 9207 §3) and the server is not a 2025-03-26 one */
    static AuthorizationCode code(String server, Map<String, List<String>> params, String issuer, boolean issRequired) {
        String iss = first(params, "iss");
        if (iss != null && !iss.equals(issuer)) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, server, "The sign-in response for '" + server
                    + "' names the issuer '" + Redaction.echo(iss) + "', not its authorization server " + issuer
                    + " (RFC 9207 mix-up defence); it was not used. Start the sign-in again; if this repeats, tell the "
                    + "server's administrator.", null, null);
        }
        if (iss == null && issRequired) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, server, "The sign-in response for '" + server
                    + "' lacks the issuer (iss) that its authorization server " + issuer + " promises to send; it was "
                    + "not used. Start the sign-in again; if this repeats, tell the server's administrator.", null, null);
        }
        String error = first(params, "error");
        if (error != null) {
            String description = Redaction.echo(first(params, "error_description"));
            String code = Redaction.echo(error);
            throw new ConnectorException(code.equals("access_denied") ? ConnectorException.Kind.ACCESS_DENIED
                    : ConnectorException.Kind.SIGN_IN_FAILED, server, "The authorization server of '" + server
                    + "' stopped the sign-in (" + code + (description == null || description.isBlank() ? "" : ": " + description)
                    + "). Sign in again; if this repeats, ask the server's administrator.", code, null);
        }
        String code = first(params, "code");
        if (code == null || code.isEmpty()) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, server, "The sign-in response for '" + server
                    + "' carries neither a code nor an error. Start the sign-in again.", null, null);
        }
        return new AuthorizationCode(code);
    }

    static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
