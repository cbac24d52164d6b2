package dev.xaa4j.connector.mcp;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.internal.http.Network;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Authorized MCP Java SDK transports in one line (docs/protocol.md §1 step 4):
 *
 * <pre>{@code
 * McpSyncClient client = McpClient.sync(McpTransports.streamableHttp(connector, "notes")).build();
 * client.initialize();
 * client.callTool(McpSchema.CallToolRequest.builder("list_notes").arguments(Map.of()).build());
 * }</pre>
 *
 * With any {@link TokenSource} (the URL then given), e.g. the session of the tray app or {@code xaa agent} while one
 * runs, else an embedded connector:
 *
 * <pre>{@code
 * TokenSource tokens = TokenSource.shared(() -> connector);
 * McpSyncClient client = McpClient.sync(McpTransports.streamableHttp(tokens, "notes", URI.create("https://notes.example/mcp"))).build();
 * }</pre>
 *
 * The transport carries a {@link BearerTokenCustomizer} (a fresh token on every request) and an
 * {@link AuthorizationErrorHandler} (401 → renew and replay once; 403 insufficient_scope → step-up once), and
 * its JDK HTTP client uses the product's proxy and TLS trust ({@code HTTPS_PROXY}, {@code NO_PROXY},
 * {@code XAA_CA_BUNDLE}; docs/architecture.md "connector-core packages").
 */
public final class McpTransports {

    /** The SEP-2133 extension identifier of Enterprise-Managed Authorization ({@link #clientCapabilities}). */
    public static final String EMA_EXTENSION = "io.modelcontextprotocol/enterprise-managed-authorization";

    private McpTransports() {
    }

    /**
     * A Streamable HTTP transport to the configured server {@code server}.
     *
     * @throws ConnectorException of kind {@code CONFIGURATION} when {@code connector} has no server of that name
     */
    public static HttpClientStreamableHttpTransport streamableHttp(Connector connector, String server) {
        return streamableHttpBuilder(connector, server).build();
    }

    /** The same, as a builder for further SDK options (timeouts, JSON mapper, client builder). */
    public static HttpClientStreamableHttpTransport.Builder streamableHttpBuilder(Connector connector, String server) {
        Network network = Network.system();
        return streamableHttpBuilder(connector, server, network::configure);
    }

    /**
     * The same, with {@code httpClient} setting up the JDK HTTP client (proxy, TLS trust, timeouts) instead of
     * this process's proxy variables and CA bundle.
     *
     * @throws ConnectorException of kind {@link ConnectorException.Kind#CONFIGURATION CONFIGURATION}, naming
     *                            {@code server}, when {@code connector} has no server of that name
     */
    public static HttpClientStreamableHttpTransport.Builder streamableHttpBuilder(Connector connector, String server,
                                                                                  Consumer<HttpClient.Builder> httpClient) {
        ServerConfig config = connector.servers().get(server);
        if (config == null) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, server,
                    "No MCP server named '" + server + "' is configured", null, null);
        }
        return builder(connector, server, config.url(), httpClient);
    }

    /**
     * A Streamable HTTP transport to {@code url}, the MCP server {@code source} knows as {@code server}.
     *
     * @throws ConnectorException of kind {@code CONFIGURATION} when {@code url} is not the URL {@code server}'s
     *                            tokens are for ({@link #serverUrl}, {@link #requireServerUrl})
     */
    public static HttpClientStreamableHttpTransport streamableHttp(TokenSource source, String server, URI url) {
        return streamableHttpBuilder(source, server, url).build();
    }

    /**
     * The same, as a builder for further SDK options.
     *
     * @param source where tokens come from ({@link TokenSource#shared}, a {@link Connector})
     * @param server the name {@code source} knows the server by
     * @param url    the server's Streamable HTTP endpoint: the configured server's URL, or for an ad-hoc server (a
     *               name that is a URL) that name
     * @throws ConnectorException of kind {@code CONFIGURATION} when {@code url} is not the URL {@code server}'s
     *                            tokens are for ({@link #serverUrl}, {@link #requireServerUrl})
     */
    public static HttpClientStreamableHttpTransport.Builder streamableHttpBuilder(TokenSource source, String server, URI url) {
        ServerUrls.requireSame(server, ServerUrls.configured(source, server), url);
        return builder(source, server, url, Network.system()::configure);
    }

    /**
     * The client capabilities to initialize {@code server} with (SEP-2133 capability advertisement):
     * {@code declared} with {@code extensions["io.modelcontextprotocol/enterprise-managed-authorization"] = {}}
     * added when {@code source} gets {@code server}'s tokens through Enterprise-Managed Authorization, else
     * {@code declared} unchanged. Every capability and extension the application declared is kept (its own value
     * for that identifier too). A flow not decided yet is decided first by asking {@code source} for the token the
     * {@code initialize} needs anyway (it may sign in); a failure there leaves {@code declared} unchanged.
     *
     * <pre>{@code
     * McpClient.sync(McpTransports.streamableHttp(connector, "notes"))
     *         .capabilities(McpTransports.clientCapabilities(connector, "notes", McpSchema.ClientCapabilities.builder().build()))
     *         .build();
     * }</pre>
     *
     * @param source   where {@code server}'s tokens come from (a {@link Connector}, {@link TokenSource#shared})
     * @param server   the name {@code source} knows the server by
     * @param declared the application's own capabilities
     * @return new capabilities; {@code declared} itself is not changed. Thread-safe.
     */
    public static McpSchema.ClientCapabilities clientCapabilities(TokenSource source, String server,
                                                                  McpSchema.ClientCapabilities declared) {
        if (!usesEnterpriseManagedAuthorization(source, server) || (declared.extensions() != null && declared.extensions().containsKey(EMA_EXTENSION))) {
            return declared;
        }
        Map<String, Map<String, Object>> extensions = new LinkedHashMap<>();
        if (declared.extensions() != null) {
            extensions.putAll(declared.extensions());
        }
        extensions.put(EMA_EXTENSION, Map.of());
        return new McpSchema.ClientCapabilities(declared.experimental(), declared.roots(), declared.sampling(),
                declared.elicitation(), Map.copyOf(extensions));
    }

    /**
     * Whether {@code source} gets {@code server}'s tokens through Enterprise-Managed Authorization (its flow is
     * {@link AuthMode#EMA}, configured or decided by discovery), which SEP-2133 has clients declare. An undecided
     * flow is decided first by asking for a token (it may sign in); any failure there answers false. Thread-safe.
     */
    public static boolean usesEnterpriseManagedAuthorization(TokenSource source, String server) {
        try {
            if (flow(source, server) == AuthMode.AUTO) {
                source.token(server); // decides the flow; the initialize needs this token anyway
            }
            return flow(source, server) == AuthMode.EMA;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * The URL {@code source}'s tokens for {@code server} are for: the connector's server when {@code source} is a
     * {@link Connector}; the name itself for an ad-hoc server (a name that is an {@code http(s)} URL); else the
     * server of the current user's {@code xaa} configuration (user file, the organization's policy and
     * {@code XAA_SERVER_*}: what the tray app's and {@code xaa agent}'s session serve). Reads the file on each call.
     * Thread-safe.
     *
     * @throws ConnectorException of kind {@code CONFIGURATION}, naming {@code server}, when no such server is
     *                            configured or the configuration (or the organization's policy) cannot be read
     */
    public static URI serverUrl(TokenSource source, String server) {
        return ServerUrls.configured(source, server);
    }

    /**
     * Refuses {@code url} unless it is {@code serverUrl} (same scheme, host and port and the same path once
     * normalised: case of scheme and host, default port, {@code .}/{@code ..} segments and a trailing {@code /} do
     * not count; query and fragment are ignored), so a token is sent only to the server it is for (MCP
     * authorization "Token Audience Binding and Validation"). Thread-safe.
     *
     * @throws ConnectorException of kind {@code CONFIGURATION} naming {@code server}, both URLs and the fix
     */
    public static void requireServerUrl(String server, URI serverUrl, URI url) {
        ServerUrls.requireSame(server, serverUrl, url);
    }

    private static AuthMode flow(TokenSource source, String server) {
        ServerStatus status = source.status().servers().get(server);
        return status == null ? AuthMode.AUTO : status.flow();
    }

    private static HttpClientStreamableHttpTransport.Builder builder(TokenSource source, String server, URI url,
                                                                      Consumer<HttpClient.Builder> httpClient) {
        String base = url.getScheme() + "://" + url.getRawAuthority();
        String endpoint = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            endpoint += "?" + url.getRawQuery();
        }
        return authorize(HttpClientStreamableHttpTransport.builder(base).endpoint(endpoint), source, server, httpClient,
                new BearerTokenCustomizer(source, server));
    }

    /**
     * Makes a Streamable HTTP transport builder someone else made (a framework's auto-configuration, e.g. Spring
     * AI's MCP client) authorized for {@code server}: adds a {@link BearerTokenCustomizer} (its own request
     * customizers are kept), sets the {@link AuthorizationErrorHandler} and has its JDK HTTP client use the
     * product's proxy and TLS trust ({@code HTTPS_PROXY}, {@code NO_PROXY}, {@code XAA_CA_BUNDLE}). The builder's
     * URL is not readable, so each request is checked instead: one to another URL than {@code server}'s
     * ({@link #serverUrl}, looked up on the first request) fails with a {@code CONFIGURATION}
     * {@link ConnectorException} naming both URLs, and carries no token.
     *
     * @param builder the transport builder, already given its URL; changed and returned
     * @param source  where tokens come from ({@link TokenSource#shared}, a {@link Connector})
     * @param server  the name {@code source} knows the server by
     * @return {@code builder}. Not thread-safe (a builder is not).
     */
    public static HttpClientStreamableHttpTransport.Builder authorize(HttpClientStreamableHttpTransport.Builder builder,
                                                                      TokenSource source, String server) {
        return authorize(builder, source, server, Network.system()::configure,
                new BearerTokenCustomizer(source, server, () -> ServerUrls.configured(source, server)));
    }

    private static HttpClientStreamableHttpTransport.Builder authorize(HttpClientStreamableHttpTransport.Builder builder,
                                                                       TokenSource source, String server,
                                                                       Consumer<HttpClient.Builder> httpClient,
                                                                       BearerTokenCustomizer tokens) {
        return builder
                .customizeClient(httpClient) // proxy and CA bundle, like every other client
                .addAsyncHttpRequestCustomizer(tokens)
                .authorizationErrorHandler(new AuthorizationErrorHandler(source, server));
    }
}
