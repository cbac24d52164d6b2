package dev.xaa4j.connector.host.config;

import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.Discovery;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The one path from the per-user configuration ({@link XaaConfig}) to a {@link Connector}, used by the
 * {@code xaa} command, {@code xaa agent} and the tray app alike (docs/architecture.md "One session owner per
 * machine"). A server's AS client id and method default to the IdP's (one registration for both legs is the
 * common enterprise set-up). A SERVER given as a URL that is not configured becomes an ad-hoc server named by its
 * URL. What differs between hosts (where the session lives, client secrets, browser, timing) is the {@code host}
 * customizer of the builder. Errors are the same for every host: neither an IdP nor a server is an empty result
 * ({@link #NOT_SET_UP} says what to do), a value the connector cannot use is a {@link ConfigurationException}
 * naming it. Servers without an IdP get a connector without one (plain MCP authorization and unprotected servers
 * need none; docs/architecture.md "Choosing the flow"). Stateless.
 */
public final class ConnectorFactory {

    /** What to do when no IdP is configured; a fragment, without a program name (callers prefix their own). */
    public static final String NOT_SET_UP = "not set up yet: run `xaa idp ISSUER --client-id ID` "
            + "(your administrator has the values), then `xaa login`";

    private ConnectorFactory() {
    }

    /** The configured IdP, if issuer and client id are both set (only then can anyone sign in). */
    public static Optional<IdpSettings> idp(XaaConfig config) {
        return config.idpSettings().filter(i -> i.issuer() != null && i.clientId() != null);
    }

    /**
     * The connector for {@code config}: its IdP and servers (plus {@code adHocServer} when it is a URL that is not
     * configured), then {@code host}'s settings. The IdP alone is enough (sign-in, sign-out and status work before
     * any server is added), and so are servers alone: that connector has no IdP, serves plain-OAuth and unprotected
     * servers, and its {@code signIn()} fails with CONFIGURATION. Empty when neither is configured
     * ({@link #servable}), even with {@code adHocServer}.
     *
     * @throws ConfigurationException an IdP auth method or a URL the connector cannot use
     */
    public static Optional<Connector> build(XaaConfig config, Optional<String> adHocServer,
                                            UnaryOperator<Connector.Builder> host) {
        if (!servable(config)) { // an ad-hoc URL alone is not a set-up: `xaa server add` or `xaa idp` first
            return Optional.empty();
        }
        Optional<String> adHoc = adHocServer.filter(XaaConfig::isUrl).filter(u -> !config.servers().containsKey(u));
        Optional<IdpSettings> idp = idp(config);
        Connector.Builder b = Connector.builder().dpop(config.dpop());
        idp.ifPresent(i -> b.idp(idpConfig(i)));
        servers(config).values().forEach(b::server);
        adHoc.ifPresent(u -> b.server(ServerConfig.of(u, uri(u, "server URL"), idp.map(IdpSettings::clientId).orElse(""),
                method(idp.map(IdpSettings::authMethod).orElse(null)))));
        return Optional.of(host.apply(b).build());
    }

    /** Whether {@code config} has anything a connector could serve: an IdP ({@link #idp}) or at least one server. */
    public static boolean servable(XaaConfig config) {
        return idp(config).isPresent() || !config.servers().isEmpty();
    }

    /** The IdP of {@code settings} as the connector takes it. */
    public static IdpConfig idpConfig(IdpSettings settings) {
        return new IdpConfig(uri(settings.issuer(), "IdP issuer"), settings.clientId(), method(settings.authMethod()));
    }

    /**
     * Every configured server as the connector takes it, in configuration order. Without an IdP the servers are
     * listed all the same (plain-OAuth and unprotected servers need none); their enterprise client id is then only
     * their own {@code asClientId} (empty when not set) and the method {@code none}.
     */
    public static Map<String, ServerConfig> servers(XaaConfig config) {
        Map<String, ServerConfig> servers = new LinkedHashMap<>();
        Optional<IdpSettings> idp = idp(config);
        config.servers().forEach((name, s) -> servers.put(name, server(name, s, idp)));
        return servers;
    }

    static ServerConfig server(String name, ServerEntry s, Optional<IdpSettings> idp) {
        String emaClientId = idp.map(i -> asClientId(s, i.clientId())).orElse(s.asClientId() == null ? "" : s.asClientId());
        return new ServerConfig(name, uri(s.url(), "URL of server '" + name + "'"), Optional.ofNullable(s.pinnedAsIssuer()),
                s.scopes() == null ? List.of() : s.scopes(), emaClientId,
                idp.map(i -> method(i.authMethod())).orElse(ClientAuthMethod.NONE),
                s.authMode(), Optional.ofNullable(s.asClientId()), s.jwtBearerScopeChoice(),
                Optional.ofNullable(s.workloadToken()), s.jwtBearerResourceSent());
    }

    /** The client id at {@code entry}'s authorization server: its own when configured, else the IdP client's. */
    public static String asClientId(ServerEntry entry, String idpClientId) {
        return entry.asClientId() != null ? entry.asClientId() : idpClientId;
    }

    /**
     * The issuer of {@code entry}'s authorization server: the pinned one, else the one the server names in its
     * RFC 9728 metadata (a network round trip).
     *
     * @throws dev.xaa4j.connector.DiscoveryException when the server's metadata cannot be had
     */
    public static String asIssuer(ServerEntry entry) {
        return entry.pinnedAsIssuer() != null ? entry.pinnedAsIssuer()
                : new Discovery().server(URI.create(entry.url())).asIssuer();
    }

    /**
     * The configured client authentication method ({@code none} when blank).
     *
     * @throws ConfigurationException an unknown name, with the names it could be
     */
    public static ClientAuthMethod method(String name) {
        if (name == null || name.isBlank()) {
            return ClientAuthMethod.NONE;
        }
        try {
            return ClientAuthMethod.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "unknown IdP authMethod '" + name
                    + "' in the config: none, client_secret_basic, client_secret_post or private_key_jwt");
        }
    }

    private static URI uri(String value, String what) {
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "the " + what + " in the config is not a URL (" + value
                    + "): fix it with `xaa idp` or `xaa server add`");
        }
    }
}
