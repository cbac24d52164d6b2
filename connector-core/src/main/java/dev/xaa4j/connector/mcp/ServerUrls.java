package dev.xaa4j.connector.mcp;

import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.host.config.XaaConfig;
import java.net.URI;
import java.util.Locale;

/**
 * Which URL a server's tokens are for, and the check that a connection sends them nowhere else (MCP authorization
 * "Token Audience Binding and Validation": a client sends a token only to the resource it was obtained for;
 * docs/architecture.md "Framework modules"). A framework names its connection's URL and the server separately, so
 * a typo or a staging URL must be refused before a production token goes out. Stateless and thread-safe; the API
 * is {@link McpTransports#serverUrl} and {@link McpTransports#requireServerUrl}.
 */
final class ServerUrls {

    private ServerUrls() {
    }

    /**
     * The URL {@code source}'s tokens for {@code server} are for: the connector's server when {@code source} is a
     * {@link Connector}; the name itself for an ad-hoc server (a name that is an {@code http(s)} URL); else the
     * server of the current user's {@code xaa} configuration (user file, policy and {@code XAA_SERVER_*}; the tray
     * app's and {@code xaa agent}'s session serve that same configuration). Reads the configuration file on each
     * call.
     *
     * @throws ConnectorException of kind {@code CONFIGURATION}, naming {@code server}, when no such server is
     *                            configured or the configuration (or the organization's policy) cannot be read
     */
    static URI configured(TokenSource source, String server) {
        if (source instanceof Connector connector) {
            ServerConfig config = connector.servers().get(server);
            if (config == null) {
                throw notConfigured(server);
            }
            return config.url();
        }
        if (XaaConfig.isUrl(server)) {
            return URI.create(server);
        }
        ServerEntry entry;
        try {
            entry = ConfigStore.forCurrentUser().load().servers().get(server);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, server, e.getMessage(), null, e);
        }
        if (entry == null || entry.url() == null) {
            throw notConfigured(server);
        }
        return URI.create(entry.url());
    }

    /**
     * Refuses {@code actual} unless it is {@code configured} (same scheme, host and port, and same path once
     * normalised: case of scheme and host, default port, {@code .}/{@code ..} segments and a trailing {@code /}
     * do not count; query and fragment are ignored).
     *
     * @throws ConnectorException of kind {@code CONFIGURATION} naming {@code server}, both URLs and the fix
     */
    static void requireSame(String server, URI configured, URI actual) {
        if (!normalised(configured).equals(normalised(actual))) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, server, "The MCP connection '" + server
                    + "' points at " + strip(actual) + ", but your xaa server '" + server + "' is " + strip(configured)
                    + "; its token is sent nowhere else. Point the connection at " + strip(configured)
                    + ", or change the server with `xaa server add " + server + " " + strip(actual) + "`", null, null);
        }
    }

    /** {@code scheme://host:port/path}, lower-cased where case does not count, without a trailing slash. */
    static String normalised(URI url) {
        URI u = url.normalize();
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        String host = u.getHost() == null ? String.valueOf(u.getRawAuthority()) : u.getHost().toLowerCase(Locale.ROOT);
        int port = u.getPort() != -1 ? u.getPort() : "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return scheme + "://" + host + ":" + port + path;
    }

    private static String strip(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    private static ConnectorException notConfigured(String server) {
        return new ConnectorException(ConnectorException.Kind.CONFIGURATION, server, "No MCP server named '" + server
                + "' is in your xaa configuration: add it with `xaa server add " + server + " URL`", null, null);
    }
}
