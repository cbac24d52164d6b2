package dev.xaa4j.connector.internal.oauth;

import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.client.ClientInformation;
import com.nimbusds.oauth2.sdk.client.ClientInformationResponse;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationErrorResponse;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationResponse;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.openid.connect.sdk.rp.ApplicationType;
import com.nimbusds.openid.connect.sdk.rp.OIDCClientMetadata;
import com.nimbusds.openid.connect.sdk.rp.OIDCClientRegistrationRequest;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.grant.ClientAuthSelection;
import dev.xaa4j.connector.internal.grant.Redaction;
import dev.xaa4j.connector.internal.http.NimbusHttp;
import dev.xaa4j.connector.internal.store.ServerGrantStore.Registration;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * RFC 7591 dynamic client registration of a native app (MCP authorization "Dynamic Client Registration"):
 * {@code client_name}, {@code application_type: native} (OIDC Registration §2, required by MCP 2026-07-28),
 * {@code redirect_uris} = the loopback one, {@code grant_types ["authorization_code","refresh_token"]},
 * {@code response_types ["code"]} and {@code token_endpoint_auth_method} ({@code none} unless the AS lists only
 * others). Thread-safe; one request per call.
 */
final class DynamicRegistration {

    static final String CLIENT_NAME = "xaa4j";

    private final Duration timeout;

    DynamicRegistration(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * @throws ConnectorException CONFIGURATION when the AS refuses (its {@code error} and description echoed),
     *                            UPSTREAM_UNAVAILABLE when it cannot be reached or answers 5xx
     */
    Registration register(String server, URI endpoint, URI redirectUri, List<ClientAuthenticationMethod> advertised) {
        ClientAuthMethod method = ClientAuthSelection.forRegistration(advertised);
        OIDCClientMetadata metadata = new OIDCClientMetadata();
        metadata.setName(CLIENT_NAME);
        metadata.setApplicationType(ApplicationType.NATIVE);
        metadata.setRedirectionURI(redirectUri);
        metadata.setGrantTypes(new LinkedHashSet<>(List.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN)));
        metadata.setResponseTypes(Set.of(ResponseType.CODE));
        metadata.setTokenEndpointAuthMethod(new ClientAuthenticationMethod(ClientAuthSelection.wireName(method)));
        HTTPResponse response;
        try {
            response = NimbusHttp.send(new OIDCClientRegistrationRequest(endpoint, metadata, null).toHTTPRequest(), timeout);
        } catch (IOException e) {
            throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, server, "The authorization server of '"
                    + server + "' could not be reached to register this client (" + e.getClass().getSimpleName() + "); try again later", null, e);
        }
        if (response.getStatusCode() >= 500 || response.getStatusCode() == 429) {
            throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, server, "The authorization server of '"
                    + server + "' is unavailable (HTTP " + response.getStatusCode() + "); try again later", null, null);
        }
        ClientRegistrationResponse parsed;
        try {
            parsed = ClientRegistrationResponse.parse(response);
        } catch (ParseException | RuntimeException e) {
            throw refused(server, endpoint, "HTTP " + response.getStatusCode() + " without a valid registration", null);
        }
        if (parsed instanceof ClientRegistrationErrorResponse error) {
            var e = error.getErrorObject();
            String code = e.getCode() == null ? null : Redaction.echo(e.getCode());
            throw refused(server, endpoint, (code == null ? "HTTP " + response.getStatusCode() : code)
                    + (e.getDescription() == null ? "" : ": " + Redaction.echo(e.getDescription())), code);
        }
        ClientInformation info = ((ClientInformationResponse) parsed).getClientInformation();
        String registered = info.getMetadata().getTokenEndpointAuthMethod() == null ? ClientAuthSelection.wireName(method)
                : info.getMetadata().getTokenEndpointAuthMethod().getValue();
        long expires = info.getSecret() == null || info.getSecret().getExpirationDate() == null ? 0
                : info.getSecret().getExpirationDate().toInstant().getEpochSecond();
        return new Registration(info.getID().getValue(), info.getSecret() == null ? null : info.getSecret().getValue(),
                registered, expires);
    }

    private static ConnectorException refused(String server, URI endpoint, String why, String code) {
        return new ConnectorException(ConnectorException.Kind.CONFIGURATION, server, "The authorization server of '" + server
                + "' refused to register this client at " + endpoint + " (" + why + "). Register a client there and run "
                + "`xaa server add " + server + " URL --client-id ID`.", code, null);
    }
}
