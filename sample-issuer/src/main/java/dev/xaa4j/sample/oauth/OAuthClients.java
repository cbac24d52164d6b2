package dev.xaa4j.sample.oauth;

import com.nimbusds.oauth2.sdk.AbstractOptionallyIdentifiedRequest;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.verifier.InvalidClientException;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.http.ClientAuthenticator;
import dev.xaa4j.sample.idp.Secrets;
import dev.xaa4j.sample.policy.Policy;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clients of one plain OAuth AS, in the order MCP clients identify themselves (docs/protocol.md, MCP
 * authorization "Client registration"): pre-registered ones from the policy, ones registered here dynamically
 * (RFC 7591), and Client ID Metadata Documents: a {@code client_id} that is an {@code https} URL (or {@code http}
 * on a loopback host, dev only) is fetched, validated ({@code client_id} equal to the URL, {@code redirect_uris}
 * present, {@code none} or {@code private_key_jwt} with inline {@code jwks}: no shared secret exists) and cached
 * for {@link #CIMD_CACHE}. Also authenticates clients at the token and revocation endpoints, each by the method
 * it registered. Thread-safe.
 */
final class OAuthClients {

    static final Duration CIMD_CACHE = Duration.ofMinutes(5);
    private static final int CIMD_MAX_BYTES = 16 * 1024;
    static final Set<String> METHODS = Set.of("none", "client_secret_basic", "client_secret_post", "private_key_jwt");

    private record Cached(RegisteredClient client, Instant fetchedAt) {
    }

    private final Map<String, RegisteredClient> registered = new ConcurrentHashMap<>();
    private final Map<String, Cached> documents = new ConcurrentHashMap<>();
    private final ClientAuthenticator authenticator;
    private final AuditLog audit;
    private final Clock clock;

    OAuthClients(URI issuer, URI tokenEndpoint, List<Policy.OAuthClient> preRegistered, AuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
        for (Policy.OAuthClient c : preRegistered) {
            registered.put(c.clientId(), new RegisteredClient(c.clientId(), c.clientSecret(), c.jwks(), c.redirectUris(),
                    c.tokenEndpointAuthMethod(), List.of("authorization_code", "refresh_token"), "native",
                    "pre-registered"));
        }
        this.authenticator = new ClientAuthenticator(id -> known(id)
                .map(c -> new ClientAuthenticator.Registration(c.clientId(), c.secret(), c.jwks())).orElse(null),
                Set.of(new Audience(tokenEndpoint.toString()), new Audience(issuer.toString())));
    }

    /** A client registered here (pre-registered or by DCR) or a cached metadata document; never fetches. */
    private Optional<RegisteredClient> known(String clientId) {
        RegisteredClient r = registered.get(clientId);
        if (r != null) {
            return Optional.of(r);
        }
        Cached c = documents.get(clientId);
        return c == null ? Optional.empty() : Optional.of(c.client());
    }

    /**
     * The client named {@code clientId}; a URL client id is fetched as a Client ID Metadata Document (or taken
     * from the cache).
     *
     * @throws InvalidClientException unknown, or its metadata document cannot be fetched or is not valid (the
     *                                message says why, for the error page)
     */
    RegisteredClient find(String clientId) throws InvalidClientException {
        if (clientId == null) {
            throw new InvalidClientException("client_id is missing");
        }
        RegisteredClient r = registered.get(clientId);
        if (r != null) {
            return r;
        }
        if (!isMetadataDocumentUrl(clientId)) {
            throw new InvalidClientException("unknown client");
        }
        Cached c = documents.get(clientId);
        if (c != null && c.fetchedAt().plus(CIMD_CACHE).isAfter(clock.instant())) {
            return c.client();
        }
        RegisteredClient fetched = fetchDocument(clientId);
        documents.put(clientId, new Cached(fetched, clock.instant()));
        return fetched;
    }

    /** RFC 7591 §3.2.1: records {@code md} under a new client id; a secret for the secret methods. */
    RegisteredClient register(ClientMetadata md, String applicationType) {
        String method = md.getTokenEndpointAuthMethod() == null ? "client_secret_basic"
                : md.getTokenEndpointAuthMethod().getValue();
        String secret = method.startsWith("client_secret_") ? Secrets.newValue() : null;
        RegisteredClient c = new RegisteredClient("dcr-" + Secrets.newValue().substring(0, 22), secret,
                md.getJWKSet() == null ? null : md.getJWKSet().toJSONObject(true),
                md.getRedirectionURIs().stream().map(URI::toString).toList(), method, grantTypes(md), applicationType,
                "dcr");
        registered.put(c.clientId(), c);
        return c;
    }

    static List<String> grantTypes(ClientMetadata md) {
        return md.getGrantTypes() == null ? List.of("authorization_code")
                : md.getGrantTypes().stream().map(GrantType::getValue).toList();
    }

    /**
     * Authenticates the client of a token or revocation request by its registered method: a public client
     * ({@code none}) only names itself with {@code client_id} (RFC 6749 §3.2.1); every other one must use its
     * own method, and its credentials must verify.
     */
    RegisteredClient authenticate(ClientAuthentication auth, ClientID publicClientId) throws InvalidClientException {
        if (auth == null) {
            RegisteredClient c = find(publicClientId == null ? null : publicClientId.getValue());
            if (!"none".equals(c.authMethod())) {
                throw new InvalidClientException("client " + c.clientId() + " must authenticate with "
                        + c.authMethod());
            }
            return c;
        }
        RegisteredClient c = find(auth.getClientID().getValue());
        if (!auth.getMethod().equals(ClientAuthenticationMethod.parse(c.authMethod()))) {
            throw new InvalidClientException("client " + c.clientId() + " is registered for " + c.authMethod()
                    + ", not " + auth.getMethod().getValue());
        }
        authenticator.authenticate(auth);
        return c;
    }

    /**
     * {@link #authenticate} for a token or revocation request; a failure is audit-logged as {@code event} (with
     * the client id claimed) and answered {@code invalid_client} (401), and {@code null} returned.
     */
    RegisteredClient authenticateOrRefuse(AbstractOptionallyIdentifiedRequest request, HttpServletResponse resp,
                                          String event) throws IOException {
        try {
            return authenticate(request.getClientAuthentication(), request.getClientID());
        } catch (InvalidClientException e) {
            ClientAuthenticator.refuse(audit, resp, event, request, e);
            return null;
        }
    }

    static boolean isMetadataDocumentUrl(String clientId) {
        URI u;
        try {
            u = new URI(clientId);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        String host = u.getHost();
        boolean loopback = "127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host);
        return u.getRawPath() != null && u.getRawPath().length() > 1 && u.getRawFragment() == null
                && ("https".equals(u.getScheme()) || "http".equals(u.getScheme()) && loopback);
    }

    private RegisteredClient fetchDocument(String url) throws InvalidClientException {
        HTTPResponse resp;
        try {
            HTTPRequest get = new HTTPRequest(HTTPRequest.Method.GET, URI.create(url));
            get.setAccept("application/json");
            get.setConnectTimeout(5_000);
            get.setReadTimeout(5_000);
            get.setFollowRedirects(false);
            resp = get.send();
        } catch (IOException e) {
            throw cimdRejected(url, "cannot be fetched (" + e.getClass().getSimpleName() + ")");
        }
        if (resp.getStatusCode() != 200) {
            throw cimdRejected(url, "answered HTTP " + resp.getStatusCode());
        }
        if (resp.getBody() == null || resp.getBody().length() > CIMD_MAX_BYTES) {
            throw cimdRejected(url, "is empty or larger than " + CIMD_MAX_BYTES + " bytes");
        }
        ClientMetadata md;
        String documentClientId;
        try {
            var json = resp.getBodyAsJSONObject();
            md = ClientMetadata.parse(json);
            documentClientId = json.get("client_id") instanceof String s ? s : null;
        } catch (ParseException e) {
            throw cimdRejected(url, "is not a JSON client metadata document: " + e.getMessage());
        }
        if (!url.equals(documentClientId)) {
            throw cimdRejected(url, "has client_id " + documentClientId + ", not its own URL");
        }
        if (md.getRedirectionURIs() == null || md.getRedirectionURIs().isEmpty()) {
            throw cimdRejected(url, "lists no redirect_uris");
        }
        String method = md.getTokenEndpointAuthMethod() == null ? "none" : md.getTokenEndpointAuthMethod().getValue();
        if (!method.equals("none") && !(method.equals("private_key_jwt") && md.getJWKSet() != null)) {
            throw cimdRejected(url, "uses token_endpoint_auth_method " + method
                    + "; a metadata document client uses none, or private_key_jwt with jwks");
        }
        audit.record("oauth-cimd", null, url, null, null, null, null, "allow", "client metadata document fetched");
        return new RegisteredClient(url, null, md.getJWKSet() == null ? null : md.getJWKSet().toJSONObject(true),
                md.getRedirectionURIs().stream().map(URI::toString).toList(), method, grantTypes(md), null, "cimd");
    }

    private InvalidClientException cimdRejected(String url, String why) {
        audit.record("oauth-cimd", null, url, null, null, null, null, "deny", "client metadata document " + why);
        return new InvalidClientException("the client metadata document " + url + " " + why);
    }
}
