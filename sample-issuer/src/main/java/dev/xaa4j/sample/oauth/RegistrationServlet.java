package dev.xaa4j.sample.oauth;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.client.ClientInformation;
import com.nimbusds.oauth2.sdk.client.ClientInformationResponse;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationErrorResponse;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationRequest;
import com.nimbusds.oauth2.sdk.client.RegistrationError;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.http.Http;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST {issuer}/register}: open dynamic client registration (RFC 7591 §3). Requires {@code redirect_uris};
 * accepts the grant types {@code authorization_code} and {@code refresh_token}, the four token endpoint auth
 * methods ({@code private_key_jwt} only with inline {@code jwks}); records {@code application_type}. Answers 201
 * with the client information (§3.2.1), a {@code client_secret} only for the secret methods; bad metadata →
 * 400 {@code invalid_redirect_uri} / {@code invalid_client_metadata} (§3.2.2). Audit event {@code oauth-register}.
 */
final class RegistrationServlet extends HttpServlet {

    private static final Set<String> GRANTS = Set.of("authorization_code", "refresh_token");

    private final OAuthClients clients;
    private final AuditLog audit;
    private final Clock clock;

    RegistrationServlet(OAuthClients clients, AuditLog audit, Clock clock) {
        this.clients = clients;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        ClientRegistrationRequest request;
        try {
            request = ClientRegistrationRequest.parse(JakartaServletUtils.createHTTPRequest(req));
        } catch (ParseException e) {
            refuse(resp, e.getErrorObject() == null ? RegistrationError.INVALID_CLIENT_METADATA : e.getErrorObject(),
                    "the registration request is not valid client metadata: " + e.getMessage());
            return;
        }
        ClientMetadata md = request.getClientMetadata();
        Optional<String> problem = problem(md);
        if (problem.isPresent()) {
            refuse(resp, md.getRedirectionURIs() == null || md.getRedirectionURIs().isEmpty()
                    ? RegistrationError.INVALID_REDIRECT_URI : RegistrationError.INVALID_CLIENT_METADATA, problem.get());
            return;
        }
        String applicationType = md.getCustomField("application_type") instanceof String s ? s : null;
        RegisteredClient c = clients.register(md, applicationType);
        ClientMetadata echoed = md; // the registered metadata with the defaults applied (RFC 7591 §3.2.1)
        echoed.setTokenEndpointAuthMethod(com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod.parse(c.authMethod()));
        echoed.setGrantTypes(c.grantTypes().stream().map(com.nimbusds.oauth2.sdk.GrantType::new)
                .collect(java.util.stream.Collectors.toSet()));
        ClientInformation info = new ClientInformation(new ClientID(c.clientId()), Date.from(clock.instant()), echoed,
                c.secret() == null ? null : new Secret(c.secret()));
        audit.record("oauth-register", null, c.clientId(), null, null, null, null, "allow",
                "registered (" + c.authMethod() + ", grant_types " + c.grantTypes() + ", application_type "
                        + applicationType + ")");
        Http.nimbus(resp, new ClientInformationResponse(info, true).toHTTPResponse());
    }

    private static Optional<String> problem(ClientMetadata md) {
        if (md.getRedirectionURIs() == null || md.getRedirectionURIs().isEmpty()) {
            return Optional.of("redirect_uris is required");
        }
        if (md.getRedirectionURIs().stream().anyMatch(u -> u.getRawFragment() != null || !u.isAbsolute())) {
            return Optional.of("each redirect URI must be absolute and without a fragment");
        }
        String method = md.getTokenEndpointAuthMethod() == null ? "client_secret_basic"
                : md.getTokenEndpointAuthMethod().getValue();
        if (!OAuthClients.METHODS.contains(method)) {
            return Optional.of("token_endpoint_auth_method must be one of " + OAuthClients.METHODS);
        }
        if (method.equals("private_key_jwt") && md.getJWKSet() == null) {
            return Optional.of("private_key_jwt needs the public keys inline as jwks (jwks_uri is not supported)");
        }
        List<String> grants = OAuthClients.grantTypes(md);
        if (!GRANTS.containsAll(grants) || !grants.contains("authorization_code")) {
            return Optional.of("grant_types must include authorization_code and may add refresh_token only");
        }
        return Optional.empty();
    }

    private void refuse(HttpServletResponse resp, ErrorObject code, String description) throws IOException {
        audit.record("oauth-register", null, null, null, null, null, null, "deny", description);
        Http.nimbus(resp, new ClientRegistrationErrorResponse(code.setDescription(description)).toHTTPResponse());
    }
}
