package dev.xaa4j.connector.internal.discovery;

import dev.xaa4j.connector.internal.ProtocolNames;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.grant.IdJag;
import dev.xaa4j.connector.internal.http.Challenge;
import dev.xaa4j.connector.internal.http.Network;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.minidev.json.JSONObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovery from only the MCP server URL (docs/protocol.md §6) and IdP OIDC discovery (§6 step 9).
 *
 * <p>Server: canonicalise the URL; send an unauthenticated MCP {@code initialize} and read the {@code 401}
 * challenge ({@code resource_metadata}, {@code scope}); fetch the RFC 9728 protected resource metadata (PRM)
 * from {@code resource_metadata}, else from the two well-known locations (path-aware, then root; RFC 9728
 * §3.1 and the MCP authorization spec "Protected Resource Metadata Discovery": any 4xx — 404, but also the 401
 * or 403 of gateways that do not route the path — means "not here, try the next"; a 5xx or a network failure is
 * an error, never "absent"); check that PRM {@code resource}
 * identifies the URL (exact match, or — like the MCP SDKs — a same-origin resource whose path is a prefix of
 * the server's path on a segment boundary); pick the authorization server (the pinned one when configured);
 * fetch its RFC 8414 / OIDC metadata in the path-aware order of §6 step 6 and require {@code issuer} to equal
 * the identifier exactly (RFC 8414 §3.3, mix-up defence). Challenges of scheme {@code Bearer} and {@code DPoP}
 * are read, on 401 and 403. Which flow the server gets is not decided here: {@link ServerMetadata#emaProblem} and
 * {@link ServerMetadata#plainOAuthProblem} say what each flow lacks (docs/architecture.md "Choosing the flow").
 * Without any PRM: a server that answered the initialize with a 2xx is not protected
 * ({@link ConnectorException.Kind#NOT_PROTECTED}); otherwise the 2025-03-26 fallbacks
 * ({@link ServerMetadata.Source#LEGACY_METADATA}, {@link ServerMetadata.Source#LEGACY_DEFAULTS}).
 *
 * <p>IdP: {@code {issuer}/.well-known/openid-configuration}; {@code issuer} equal exactly; requires
 * {@code token_endpoint}, {@code jwks_uri} and {@code code_challenge_methods_supported} ∋ S256; warns when
 * token exchange or ID-JAG issuance are not advertised (many IdPs omit them).
 *
 * <p>Endpoints must use https, except on loopback (127.0.0.1, localhost, ::1). Results are cached for a
 * bounded TTL (default 1 h) per server URL and per IdP issuer; failures are never cached. Concurrent first
 * calls may fetch twice; the results are equivalent. Thread-safe.
 *
 * <p>Errors: {@link ConnectorException.Kind#UPSTREAM_UNAVAILABLE} for transient failures (unreachable,
 * timeout, 5xx, a non-JSON page), {@link ConnectorException.Kind#CONFIGURATION} for metadata that must not be trusted. Messages
 * say what to do next.
 */
public final class Discovery {

    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

    /** RFC 9449 §7.1: the DPoP authentication scheme, whose challenges carry the same RFC 9728 parameters. */
    static final String DPOP = "DPoP";
    /** The ID-JAG token type an IdP lists in its token-exchange chaining metadata (one definition: {@link IdJag}). */
    static final String ID_JAG_TOKEN_TYPE = IdJag.TOKEN_TYPE.getURI().toString();
    static final String TOKEN_EXCHANGE = GrantType.TOKEN_EXCHANGE.getValue();

    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(10);

    /** The revision the probe's {@code initialize} names, in its body and in its {@code MCP-Protocol-Version} header. */
    static final String PROBE_PROTOCOL_VERSION = "2025-11-25";
    /**
     * The probe: a 2025-11-25 {@code initialize} that a 2026-07-28 (stateless) server can read as well — the
     * {@code _meta} of every 2026-07-28 request ({@code io.modelcontextprotocol/protocolVersion},
     * {@code clientCapabilities}, {@code clientInfo}) and, with it, the {@code MCP-Protocol-Version} and
     * {@code Mcp-Method} headers (SEP-2575, SEP-2243); servers of older revisions ignore both.
     */
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"" + PROBE_PROTOCOL_VERSION + "\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"xaa4j-discovery\",\"version\":\"0.1.0\"},"
            + "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + PROBE_PROTOCOL_VERSION + "\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{},"
            + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"xaa4j-discovery\",\"version\":\"0.1.0\"}}}}";

    private final Clock clock;
    private final Duration ttl;
    private final WireClient http;
    private final ConcurrentHashMap<String, Cached<OIDCProviderMetadata>> idps = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Cached<ServerMetadata>> servers = new ConcurrentHashMap<>();
    /** The 401 challenges {@link #challenged} recorded, per canonical server URL, until the next discovery. */
    private final ConcurrentHashMap<String, Probe> challenges = new ConcurrentHashMap<>();

    /** System clock, {@link #DEFAULT_TTL}, {@link #DEFAULT_HTTP_TIMEOUT}. */
    public Discovery() {
        this(Clock.systemUTC(), DEFAULT_TTL, DEFAULT_HTTP_TIMEOUT);
    }

    /**
     * @param ttl         how long metadata is reused before it is fetched again
     * @param httpTimeout connect and read timeout of each HTTP request
     */
    public Discovery(Clock clock, Duration ttl, Duration httpTimeout) {
        this(clock, ttl, httpTimeout, null);
    }

    /**
     * @param network proxy and TLS trust of every request ({@code null}: {@link Network#system()} at the first
     *                request)
     */
    public Discovery(Clock clock, Duration ttl, Duration httpTimeout, Network network) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.http = new WireClient(Objects.requireNonNull(httpTimeout, "httpTimeout"), network);
    }

    /** IdP OIDC metadata; requires token endpoint, JWKS URI and S256. Cached. */
    public OIDCProviderMetadata idp(URI issuer) {
        Objects.requireNonNull(issuer, "issuer");
        String key = issuer.toString();
        Cached<OIDCProviderMetadata> hit = idps.get(key);
        if (hit != null && hit.fresh(clock)) {
            return hit.value();
        }
        OIDCProviderMetadata md = fetchIdp(issuer);
        idps.put(key, new Cached<>(md, clock.instant().plus(ttl)));
        return md;
    }

    /** Same as {@link #server(URI, Optional)} without a pinned authorization server. */
    public ServerMetadata server(URI serverUrl) {
        return server(serverUrl, Optional.empty());
    }

    /**
     * 401/403 → {@code resource_metadata} → PRM (resource check, before any AS contact) → AS metadata
     * (path-aware well-known order, issuer equality); or the 2025-03-26 fallbacks without PRM. Refuses a server
     * whose AS is not {@code pinnedAsIssuer}.
     *
     * @throws ConnectorException {@link ConnectorException.Kind#NOT_PROTECTED} for a server that takes no token,
     *         {@link ConnectorException.Kind#CONFIGURATION} for metadata that must not be trusted,
     *         {@link ConnectorException.Kind#UPSTREAM_UNAVAILABLE} for transient failures
     */
    public ServerMetadata server(URI serverUrl, Optional<String> pinnedAsIssuer) {
        URI url = Urls.canonical(serverUrl);
        String key = url + "\n" + pinnedAsIssuer.orElse("");
        Cached<ServerMetadata> hit = servers.get(key);
        if (hit != null && hit.fresh(clock)) {
            return hit.value();
        }
        ServerMetadata md = discoverServer(url, pinnedAsIssuer);
        servers.put(key, new Cached<>(md, clock.instant().plus(ttl)));
        return md;
    }

    /**
     * A request to the server at {@code serverUrl} was answered 401 with a challenge naming
     * {@code resourceMetadata} and {@code scopes} (either may be empty): forgets its cached metadata, and its next
     * discovery starts from this challenge instead of probing (MCP authorization: "restart at protected resource
     * metadata discovery"; a server whose {@code initialize} needs no token may still ask for one later, with the
     * scope of that operation). Thread-safe; a later challenge replaces an unused one.
     */
    public void challenged(URI serverUrl, Optional<URI> resourceMetadata, java.util.Collection<String> scopes) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        resourceMetadata.ifPresent(rm -> params.put(ProtocolNames.RESOURCE_METADATA, rm.toString()));
        if (!scopes.isEmpty()) {
            params.put(ProtocolNames.SCOPE, String.join(" ", scopes));
        }
        URI url = Urls.canonical(serverUrl);
        invalidate(url);
        challenges.put(url.toString(), new Probe(401, Optional.of(new Challenge(ProtocolNames.BEARER, params, null))));
    }

    /** Forgets cached metadata of one server (e.g. after a 401 with a different resource_metadata). */
    public void invalidate(URI serverUrl) {
        String prefix = Urls.canonical(serverUrl) + "\n";
        servers.keySet().removeIf(k -> k.startsWith(prefix));
    }

    // ---- IdP ------------------------------------------------------------------------------------------

    private OIDCProviderMetadata fetchIdp(URI issuer) {
        // The issuer is what the user (or their administrator's set-up) configured, not the IdP's metadata: say so.
        Urls.issuerProblem(issuer.toString()).ifPresent(problem -> {
            throw new ConfiguredUrlException("The IdP issuer URL in your configuration is not usable: " + problem
                    + ". Configure the issuer your administrator gave you.");
        });
        URI url = Urls.requireSecure(Urls.openIdConfiguration(issuer), "the IdP's discovery URL");
        WireClient.Lookup found = http.lookup(url, "the identity provider");
        if (!found.found()) {
            throw new ConfiguredUrlException("The identity provider '" + issuer + "' publishes no OpenID configuration at "
                    + found.describe() + ". Check the IdP issuer URL in your configuration.");
        }
        OIDCProviderMetadata md = parse(found, OIDCProviderMetadata::parse, "The identity provider's OpenID configuration",
                "Ask your identity administrator to fix it.");
        if (!md.getIssuer().getValue().equals(issuer.toString())) {
            throw new ConfiguredUrlException("The identity provider at " + url + " says its issuer is '"
                    + md.getIssuer().getValue() + "', not '" + issuer + "' as configured. Use exactly the issuer it "
                    + "announces (check for a trailing slash), or ask your administrator.");
        }
        Urls.requireSecure(md.getTokenEndpointURI(), "the identity provider's token_endpoint");
        Urls.requireSecure(md.getJWKSetURI(), "the identity provider's jwks_uri");
        if (md.getAuthorizationEndpointURI() != null) {
            Urls.requireSecure(md.getAuthorizationEndpointURI(), "the identity provider's authorization_endpoint");
        }
        List<CodeChallengeMethod> pkce = md.getCodeChallengeMethods();
        if (pkce == null || !pkce.contains(CodeChallengeMethod.S256)) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The identity provider '" + issuer + "' does not announce PKCE with S256 "
                    + "(code_challenge_methods_supported). Sign-in would be unsafe, so it is refused; ask your identity "
                    + "administrator to enable PKCE S256.");
        }
        List<GrantType> grants = md.getGrantTypes();
        if (grants == null || grants.stream().noneMatch(g -> g.getValue().equals(TOKEN_EXCHANGE))) {
            LOG.warn("The identity provider {} does not list token exchange in grant_types_supported; "
                    + "enterprise-managed authorization may not work with it.", issuer);
        }
        Object chaining = md.getCustomParameter("identity_chaining_requested_token_types_supported");
        if (!(chaining instanceof List<?> l) || !l.contains(ID_JAG_TOKEN_TYPE)) {
            LOG.warn("The identity provider {} does not list {} in identity_chaining_requested_token_types_supported; "
                    + "it may not issue ID-JAGs.", issuer, ID_JAG_TOKEN_TYPE);
        }
        return md;
    }

    /** Parses a Nimbus metadata type from a JSON object. */
    @FunctionalInterface
    private interface MetadataParser<T> {
        T parse(JSONObject json) throws ParseException;
    }

    /**
     * The metadata document {@code found} as {@code T}, or a {@link ConnectorException.Kind#CONFIGURATION} error
     * naming {@code what} was invalid where, and {@code whoFixes} it.
     */
    private static <T> T parse(WireClient.Lookup found, MetadataParser<T> parser, String what, String whoFixes) {
        try {
            return parser.parse(new JSONObject(found.json()));
        } catch (ParseException | IllegalArgumentException e) { // Nimbus throws the latter for e.g. an empty issuer
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, what + " at " + found.url() + " is invalid: "
                    + e.getMessage() + ". " + whoFixes, e);
        }
    }

    // ---- MCP server -----------------------------------------------------------------------------------

    private ServerMetadata discoverServer(URI url, Optional<String> pinnedAsIssuer) {
        Urls.endpointProblem(url.toString()).ifPresent(problem -> {
            throw new ConfiguredUrlException("The MCP server URL in your configuration is not usable: " + problem + ".");
        });
        Urls.requireSecure(url, "the MCP server URL");
        Probe challenged = challenges.remove(url.toString());
        Probe probe = challenged != null ? challenged : probe(url);
        if (probe.status() != 401 && probe.status() != 403) {
            // MCP authorization: a server that does not ask for a token takes none (a later 401 starts discovery
            // again, from its challenge: #challenged); a 4xx other than 401/403 is a refused initialize (e.g. a
            // 2026-07-28 stateless server), not a request for a token. No well-known GETs: some such servers
            // never answer them
            throw notProtected(url, probe);
        }
        Optional<Challenge> challenge = probe.challenge();
        Optional<String> challengedScope = challenge.flatMap(c -> c.param(ProtocolNames.SCOPE));

        URI prmUrl;
        Map<String, Object> prm;
        Optional<String> announced = challenge.flatMap(c -> c.param(ProtocolNames.RESOURCE_METADATA));
        if (announced.isPresent()) {
            prmUrl = Urls.requireSecure(Urls.parse(announced.get(), "the resource_metadata URL"), "the resource_metadata URL");
            WireClient.Lookup found = http.lookup(prmUrl, "the MCP server's protected resource metadata");
            if (!found.found()) {
                throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The MCP server " + url + " points to protected resource metadata at "
                        + found.describe() + ". Ask the server's administrator to fix it.");
            }
            prm = found.json();
        } else {
            // RFC 9728 §3.1 / MCP "Protected Resource Metadata Discovery": path-aware URL first, then the root
            prmUrl = null;
            prm = null;
            List<String> tried = new ArrayList<>();
            for (URI candidate : Urls.protectedResourceMetadata(url)) {
                WireClient.Lookup found = http.lookup(candidate, "the MCP server's protected resource metadata");
                if (found.found()) {
                    prmUrl = candidate;
                    prm = found.json();
                    break;
                }
                tried.add(found.describe());
            }
            if (prm == null) {
                return withoutPrm(url, probe, challengedScope, tried);
            }
        }

        String resource = string(prm, "resource", prmUrl);
        if (!Urls.resourceMatches(resource, url)) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The protected resource metadata at " + prmUrl + " is for '" + resource
                    + "', not for " + url + ". Refusing it (it could send your tokens elsewhere); check the server URL "
                    + "or ask the server's administrator.");
        }
        List<String> authServers = strings(prm, "authorization_servers", prmUrl);
        if (authServers.isEmpty()) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The protected resource metadata at " + prmUrl + " names no "
                    + "authorization_servers, so there is nowhere to get a token. Ask the server's administrator.");
        }
        String asIssuer = chooseAuthorizationServer(url, authServers, pinnedAsIssuer);
        AuthorizationServerMetadata as = authorizationServer(asIssuer, url);
        List<String> scopes = prm.containsKey("scopes_supported") ? strings(prm, "scopes_supported", prmUrl) : List.of();
        return new ServerMetadata(url, resource, as, List.copyOf(scopes), challengedScope, prmUrl);
    }

    /**
     * No protected resource metadata anywhere. A server that answered the unauthenticated initialize with a 2xx
     * takes no token ({@link ConnectorException.Kind#NOT_PROTECTED}). Otherwise the 2025-03-26 revision of MCP
     * authorization ("Authorization Server Discovery", "Fallbacks for Servers without Metadata Discovery"): RFC 8414
     * metadata at the server's origin (the issuer is the origin), else — for a server that asked for a token (401)
     * — the default endpoints {@code /authorize}, {@code /token}, {@code /register} at the origin. The resource is
     * the canonical server URL.
     */
    private ServerMetadata withoutPrm(URI url, Probe probe, Optional<String> challengedScope, List<String> tried) {
        String origin = Urls.origin(url);
        URI legacy = URI.create(origin + Urls.AUTHORIZATION_SERVER);
        WireClient.Lookup found = http.lookup(legacy, "the authorization server");
        if (found.found()) {
            AuthorizationServerMetadata md = parse(found, AuthorizationServerMetadata::parse,
                    "The authorization server metadata", "Ask the MCP server's administrator.");
            requireIssuer(md, origin, legacy, url);
            Urls.requireSecure(md.getTokenEndpointURI(), "the token_endpoint of authorization server " + origin);
            return new ServerMetadata(url, url.toString(), md, List.of(), challengedScope, null,
                    ServerMetadata.Source.LEGACY_METADATA);
        }
        if (probe.status() != 401) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The MCP server " + url + " publishes no protected resource metadata (no "
                    + "resource_metadata in a 401 challenge, nothing at " + String.join(", ", tried) + ", "
                    + found.describe() + "). It may not support OAuth; check the URL.");
        }
        AuthorizationServerMetadata defaults = new AuthorizationServerMetadata(new Issuer(origin));
        defaults.setAuthorizationEndpointURI(URI.create(origin + "/authorize"));
        defaults.setTokenEndpointURI(URI.create(origin + "/token"));
        defaults.setRegistrationEndpointURI(URI.create(origin + "/register"));
        defaults.setCodeChallengeMethods(List.of(CodeChallengeMethod.S256));
        LOG.debug("MCP server {} publishes no metadata; using the 2025-03-26 default endpoints at {}", url, origin);
        return new ServerMetadata(url, url.toString(), defaults, List.of(), challengedScope, null,
                ServerMetadata.Source.LEGACY_DEFAULTS);
    }

    private static ConnectorException notProtected(URI url, Probe probe) {
        return new ConnectorException(ConnectorException.Kind.NOT_PROTECTED, "The MCP server " + url + " answered an"
                + " unauthenticated initialize with HTTP " + probe.status() + " and asked for no token: it takes no"
                + " authorization, so requests go to it without a token (until it answers 401).");
    }

    /** The status of the unauthenticated initialize and its challenge, if it asked for a token. */
    private record Probe(int status, Optional<Challenge> challenge) {
    }

    /**
     * An unauthenticated {@code initialize}; on 401 or 403 the challenge of scheme {@code Bearer} or {@code DPoP}
     * (RFC 6750 §3, RFC 9449 §7.1) that names {@code resource_metadata}, else the first of those schemes, else any
     * challenge naming {@code resource_metadata}.
     */
    private Probe probe(URI url) {
        HTTPRequest req = new HTTPRequest(HTTPRequest.Method.POST, url);
        req.setEntityContentType(com.nimbusds.common.contenttype.ContentType.APPLICATION_JSON);
        req.setAccept("application/json, text/event-stream");
        req.setHeader("MCP-Protocol-Version", PROBE_PROTOCOL_VERSION);
        req.setHeader("Mcp-Method", "initialize");
        req.setBody(INITIALIZE);
        HTTPResponse resp = http.send(req, "the MCP server");
        int status = resp.getStatusCode();
        if (status != 401 && status != 403) {
            LOG.debug("MCP server {} answered HTTP {} to an unauthenticated initialize; trying well-known metadata",
                    url, status);
            return new Probe(status, Optional.empty());
        }
        List<String> values = resp.getHeaderValues(ProtocolNames.WWW_AUTHENTICATE);
        List<Challenge> all = Challenge.parse(values == null ? List.of() : values);
        List<Challenge> tokenSchemes = all.stream().filter(c -> c.is(ProtocolNames.BEARER) || c.is(DPOP)).toList();
        Optional<Challenge> chosen = tokenSchemes.stream().filter(c -> c.param(ProtocolNames.RESOURCE_METADATA).isPresent())
                .findFirst()
                .or(() -> tokenSchemes.stream().findFirst())
                .or(() -> all.stream().filter(c -> c.param(ProtocolNames.RESOURCE_METADATA).isPresent()).findFirst());
        return new Probe(status, chosen);
    }

    private static String chooseAuthorizationServer(URI url, List<String> listed, Optional<String> pinned) {
        if (pinned.isEmpty()) {
            return listed.get(0);
        }
        if (listed.contains(pinned.get())) {
            return pinned.get();
        }
        throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The MCP server " + url + " uses the authorization server " + String.join(", ", listed)
                + ", but your configuration pins it to " + pinned.get() + ". Refusing to send your identity to an "
                + "authorization server you did not approve; if the change is expected, update the pinned issuer.");
    }

    private AuthorizationServerMetadata authorizationServer(String issuer, URI server) {
        URI id = Urls.requireSecure(Urls.parse(issuer, "the authorization server issuer"), "the authorization server issuer");
        List<String> tried = new ArrayList<>();
        for (URI candidate : Urls.authorizationServerMetadata(id)) {
            WireClient.Lookup found = http.lookup(candidate, "the authorization server");
            if (!found.found()) {
                tried.add(found.describe());
                continue;
            }
            AuthorizationServerMetadata md = parse(found, AuthorizationServerMetadata::parse,
                    "The authorization server metadata", "Ask the MCP server's administrator.");
            requireIssuer(md, issuer, candidate, server);
            Urls.requireSecure(md.getTokenEndpointURI(), "the token_endpoint of authorization server " + issuer);
            return md;
        }
        throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The authorization server '" + issuer + "' of " + server
                + " publishes no metadata (nothing at " + String.join(", ", tried) + "). Ask the server's administrator.");
    }

    /** RFC 8414 §3.3: {@code issuer} equals the identifier the URL was built from, as plain strings. */
    private static void requireIssuer(AuthorizationServerMetadata md, String issuer, URI from, URI server) {
        if (!md.getIssuer().getValue().equals(issuer)) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The authorization server metadata at " + from + " names issuer '"
                    + md.getIssuer().getValue() + "', but the MCP server " + server + " names '" + issuer
                    + "'. They must be identical (RFC 8414 §3.3); refusing it. Ask the server's administrator.");
        }
    }

    private static String string(Map<String, Object> json, String field, URI from) {
        Object v = json.get(field);
        if (v instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The protected resource metadata at " + from + " has no valid '" + field
                + "'. Ask the server's administrator.");
    }

    private static List<String> strings(Map<String, Object> json, String field, URI from) {
        Object v = json.get(field);
        if (v instanceof List<?> list && list.stream().allMatch(e -> e instanceof String)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The protected resource metadata at " + from + " has no valid '" + field
                + "' list. Ask the server's administrator.");
    }

    private record Cached<T>(T value, Instant expiresAt) {
        boolean fresh(Clock clock) {
            return clock.instant().isBefore(expiresAt);
        }
    }
}
