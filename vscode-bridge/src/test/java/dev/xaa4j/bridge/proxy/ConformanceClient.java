package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.bridge.session.TokenSourceAuth;
import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.ConnectorInternals;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The client the MCP conformance suite launches ({@code connector-core/conformance/run.sh}; docs/architecture.md
 * "Conformance"): {@code ConformanceClient <mcp server url>}, with {@code MCP_CONFORMANCE_SCENARIO},
 * {@code MCP_CONFORMANCE_PROTOCOL_VERSION} and {@code MCP_CONFORMANCE_CONTEXT} (JSON) in the environment.
 *
 * <p>Built from the product's code paths; it only adapts the suite's context:
 * <ul>
 *   <li>tokens: a {@link Connector} with {@link AuthMode#AUTO}, memory credential store, on-demand per-server
 *       sign-in, the fixed Client ID Metadata Document URL {@value #CIMD}, and the {@link HeadlessBrowser} as its
 *       browser. {@code auth/pre-registration}: the context's client id and secret as the pre-registered plain
 *       OAuth client. The EMA scenarios ({@code auth/enterprise-managed-authorization},
 *       {@code auth/cross-app-access-complete-flow}): {@link AuthMode#EMA} with the context's ID token through the
 *       caller-supplied ID token seam. {@code auth/client-credentials-basic}/{@code -jwt}:
 *       {@link AuthMode#CLIENT_CREDENTIALS} with the context's {@code client_id} and {@code client_secret} or
 *       {@code private_key_pem} (PKCS#8, as a JWK). {@code auth/wif-jwt-bearer}: {@link AuthMode#WORKLOAD} with the
 *       context's {@code valid_jwt}.</li>
 *   <li>the MCP leg: the bridge's {@link UpstreamHttp} over {@link TokenSourceAuth} (the classes {@code xaa bridge}
 *       uses: 401 → renew + replay, 403 {@code insufficient_scope} → step up + replay; a DPoP-bound token as
 *       {@code Authorization: DPoP} with a fresh proof per request and the {@code use_dpop_nonce} replay, which is all
 *       {@code auth/dpop} and {@code auth/dpop-nonce} need: the engine proves at the token endpoint by default). Wire 2025-11-25 and older:
 *       the bridge's {@link StreamableHttpUpstream} (initialize → initialized → tools/list → tools/call). Wire
 *       2026-07-28: {@link StatelessMcp} (no initialize).</li>
 * </ul>
 * Then {@code tools/list} and, when listed, {@code tools/call test-tool {}} (the auth scenarios),
 * {@code add_numbers} (the {@code tools_call} scenario) or {@code test_reconnection} ({@code sse-retry}). Exit 0 when every call answered without a JSON-RPC error,
 * else 1 with a one-line reason on stderr (no token, code or secret in it; {@code XAA_CONFORMANCE_TRACE=1} adds the
 * stack trace); 2 for a bad invocation.
 */
public final class ConformanceClient {

    /** The suite's fixed CIMD {@code client_id} (it is not in the context; the URL is never fetched by the client). */
    static final String CIMD = "https://conformance-test.local/client-metadata.json";
    static final String SERVER = "conformance";
    private static final Set<String> EMA_SCENARIOS = Set.of("auth/enterprise-managed-authorization",
            "auth/cross-app-access-complete-flow");
    private static final String EMA_EXTENSION = "io.modelcontextprotocol/enterprise-managed-authorization";
    private static final Duration CALL_WAIT = Duration.ofSeconds(30);

    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, JsonNode> answers = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private ConformanceClient() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: ConformanceClient <mcp server url>   (context in MCP_CONFORMANCE_CONTEXT)");
            System.exit(2);
        }
        try {
            new ConformanceClient().run(URI.create(args[args.length - 1]), System.getenv("MCP_CONFORMANCE_SCENARIO"),
                    System.getenv("MCP_CONFORMANCE_PROTOCOL_VERSION"), System.getenv("MCP_CONFORMANCE_CONTEXT"));
            System.exit(0);
        } catch (Exception | Error e) {
            System.err.println("ConformanceClient: " + oneLine(e));
            if ("1".equals(System.getenv("XAA_CONFORMANCE_TRACE"))) {
                e.printStackTrace(); // to find an engine failure's origin; exceptions carry no token or secret
            }
            System.exit(1);
        }
    }

    void run(URI url, String scenario, String version, String contextJson) throws Exception {
        String scenarioName = scenario == null ? "" : scenario;
        JsonNode ctx = contextJson == null || contextJson.isBlank() ? mapper.createObjectNode() : mapper.readTree(contextJson);
        boolean ema = EMA_SCENARIOS.contains(scenarioName);
        try (Connector connector = connector(url, scenarioName, ema, ctx);
             UpstreamHttp http = new UpstreamHttp(SERVER, url, new TokenSourceAuth(connector, false), CALL_WAIT, mapper)) {
            ObjectNode capabilities = mapper.createObjectNode();
            if (ema) {
                capabilities.putObject("extensions").putObject(EMA_EXTENSION);
            }
            ObjectNode clientInfo = mapper.createObjectNode().put("name", "xaa4j-conformance").put("version", "1");
            if (StatelessMcp.VERSION.equals(version)) {
                StatelessMcp mcp = new StatelessMcp(http, mapper, capabilities, clientInfo, this::unsolicited);
                tools((method, params) -> mcp.call(method, params, CALL_WAIT));
            } else {
                stateful(http, version == null || version.isBlank() ? "2025-11-25" : version, capabilities, clientInfo);
            }
        }
    }

    /** The 2025-11-25 (stateful) wire through the bridge's Streamable HTTP transport. */
    private void stateful(UpstreamHttp http, String version, ObjectNode capabilities, ObjectNode clientInfo) throws Exception {
        Consumer<JsonNode> toClient = m -> {
            if (JsonRpc.isResponse(m)) {
                answers.put(m.path("id").asText(), m);
            } else {
                unsolicited(m);
            }
        };
        try (StreamableHttpUpstream mcp = new StreamableHttpUpstream(http, new ResponseRelay(mapper, http), CALL_WAIT, toClient)) {
            ObjectNode init = request("initialize", mapper.createObjectNode().put("protocolVersion", version));
            ((ObjectNode) init.get("params")).set("capabilities", capabilities);
            ((ObjectNode) init.get("params")).set("clientInfo", clientInfo);
            JsonNode initialized = mcp.initialize(init, CALL_WAIT);
            requireResult("initialize", initialized);
            mcp.send(mapper.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
            tools((method, params) -> {
                ObjectNode request = request(method, params);
                try {
                    if (!mcp.request(request, CALL_WAIT, () -> { }, () -> { })) {
                        throw new IllegalStateException("the MCP server sent no answer to " + method);
                    }
                } catch (SessionLostException e) {
                    throw new IllegalStateException("the MCP server ended the session during " + method, e);
                }
                return answers.remove(request.path("id").asText());
            });
        }
    }

    /** tools/list, then the scenario's tool: test-tool (auth mocks), add_numbers (tools_call) or test_reconnection (sse-retry). */
    private void tools(Call mcp) {
        JsonNode listed = requireResult("tools/list", mcp.call("tools/list", null));
        for (JsonNode tool : listed.path("result").path("tools")) {
            String name = tool.path("name").asText();
            ObjectNode arguments = mapper.createObjectNode();
            if (name.equals("add_numbers")) {
                arguments.put("a", 2).put("b", 3);
            } else if (!name.equals("test-tool") && !name.equals("test_reconnection")) { // sse-retry: test_reconnection
                continue;
            }
            ObjectNode params = mapper.createObjectNode().put("name", name);
            params.set("arguments", arguments);
            requireResult("tools/call " + name, mcp.call("tools/call", params));
        }
    }

    private Connector connector(URI url, String scenario, boolean ema, JsonNode ctx) throws Exception {
        Connector.Builder b = Connector.builder()
                .sessionInMemory(true)
                .journal(false)
                .sessionWatchInterval(Duration.ZERO)
                .stateDir(Files.createTempDirectory("xaa4j-conformance-"));
        String clientId = ctx.path("client_id").asText("");
        String secret = ctx.path("client_secret").asText("");
        b.clientCredentials(clientId.isEmpty() || secret.isEmpty() ? ClientCredentialsSource.ofSecrets(Map.of())
                : ClientCredentialsSource.ofSecrets(Map.of(clientId, secret)));
        if (ema) {
            String idToken = ctx.path("idp_id_token").asText();
            return b.idp(new IdpConfig(URI.create(ctx.path("idp_issuer").asText()), ctx.path("idp_client_id").asText(),
                            ClientAuthMethod.NONE))
                    .idpTokenEndpoint(URI.create(ctx.path("idp_token_endpoint").asText()))
                    .idTokenSource(() -> idToken)
                    .server(ServerConfig.of(SERVER, url, clientId, ClientAuthMethod.CLIENT_SECRET_BASIC).withAuth(AuthMode.EMA))
                    .build();
        }
        ServerConfig server = ServerConfig.of(SERVER, url, "", ClientAuthMethod.NONE);
        if (scenario.startsWith("auth/client-credentials-")) { // SEP-1046: basic with the secret, or the PEM key
            String pem = ctx.path("private_key_pem").asText("");
            if (!pem.isEmpty()) {
                String jwk = ecJwk(pem);
                b.clientCredentials(new ClientCredentialsSource() {
                    @Override
                    public java.util.Optional<String> clientSecret(String issuer, String id) {
                        return java.util.Optional.empty();
                    }

                    @Override
                    public java.util.Optional<String> signingKey(String issuer, String id) {
                        return id.equals(clientId) ? java.util.Optional.of(jwk) : java.util.Optional.empty();
                    }
                });
            }
            return b.server(server.withAuth(AuthMode.CLIENT_CREDENTIALS).withOAuthClientId(clientId)).build();
        }
        if (scenario.equals("auth/wif-jwt-bearer")) { // SEP-1933: the context's valid workload JWT, no client auth
            String jwt = ctx.path("valid_jwt").asText();
            return b.server(server.withAuth(AuthMode.WORKLOAD)).workloadToken(SERVER, () -> jwt).build();
        }
        if (scenario.equals("auth/pre-registration")) {
            server = server.withOAuthClientId(clientId);
        }
        b.server(server).serverSignInOnDemand(true).clientIdMetadataDocument(URI.create(CIMD));
        ConnectorInternals.browserLauncher(b, new HeadlessBrowser());
        return b.build();
    }

    /**
     * The suite's PKCS#8 P-256 key as a private JWK, with the JDK alone (Nimbus's PEM parser needs BouncyCastle):
     * the public point is the {@code publicKey [1]} the PKCS#8 {@code ECPrivateKey} carries (RFC 5915 §3), its last
     * 65 bytes {@code 04 || X || Y}.
     */
    static String ecJwk(String pem) throws Exception {
        byte[] der = java.util.Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        int at = der.length - 65;
        if (at < 3 || der[at] != 4 || der[at - 1] != 0 || der[at - 2] != 0x42 || der[at - 3] != 0x03) {
            throw new IllegalArgumentException("private_key_pem is not a PKCS#8 P-256 key with its public key");
        }
        var key = (java.security.interfaces.ECPrivateKey) java.security.KeyFactory.getInstance("EC")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
        return new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256,
                com.nimbusds.jose.util.Base64URL.encode(java.util.Arrays.copyOfRange(der, at + 1, at + 33)),
                com.nimbusds.jose.util.Base64URL.encode(java.util.Arrays.copyOfRange(der, at + 33, at + 65)))
                .privateKey(key).build().toJSONString();
    }

    private ObjectNode request(String method, ObjectNode params) {
        ObjectNode r = mapper.createObjectNode().put("jsonrpc", "2.0").put("id", ids.incrementAndGet()).put("method", method);
        r.set("params", params == null ? mapper.createObjectNode() : params);
        return r;
    }

    private static JsonNode requireResult(String what, JsonNode response) {
        if (response == null) {
            throw new IllegalStateException("no answer to " + what);
        }
        if (!response.has("result")) {
            throw new IllegalStateException(what + " failed: " + response.path("error").path("message").asText("no result"));
        }
        return response;
    }

    /** Server-to-client messages (notifications, requests such as elicitation): an AI client's business, ignored here. */
    private void unsolicited(JsonNode message) {
    }

    private static String oneLine(Throwable e) {
        Throwable t = e;
        String message = t.getMessage();
        while ((message == null || message.isBlank()) && t.getCause() != null) {
            t = t.getCause();
            message = t.getMessage();
        }
        String text = (message == null ? e.getClass().getSimpleName() : message).replaceAll("\\s+", " ");
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    @FunctionalInterface
    private interface Call {
        JsonNode call(String method, ObjectNode params);
    }
}
