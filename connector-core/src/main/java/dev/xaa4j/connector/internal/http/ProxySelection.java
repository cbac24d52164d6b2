package dev.xaa4j.connector.internal.http;

import dev.xaa4j.connector.ConnectorException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which proxy an HTTP request goes through, decided the way users expect from {@code curl} and Java tools.
 * One instance serves every HTTP client of the product (Nimbus requests, the MCP SDK's JDK client, the
 * bridge's Apache client). Thread-safe; Java properties are read on every call (like the JDK's default
 * selector), the environment is a snapshot taken at construction.
 *
 * <p>Precedence, per target scheme ({@code http} or {@code https}; anything else goes direct):
 * <ol>
 *   <li>loopback targets ({@link Loopback}: {@code localhost}, {@code 127.0.0.0/8}, {@code ::1}) always go
 *       direct;</li>
 *   <li>Java's proxy properties when set explicitly: {@code https.proxyHost}/{@code https.proxyPort}
 *       (default 443) for https, {@code http.proxyHost}/{@code http.proxyPort} (default 80) for http, with
 *       {@code http.nonProxyHosts} ({@code |}-separated, {@code *} wildcards) as the exception list;</li>
 *   <li>else the environment: {@code https_proxy}/{@code HTTPS_PROXY} for https,
 *       {@code http_proxy}/{@code HTTP_PROXY} for http (lower case wins when both are set), else
 *       {@code all_proxy}/{@code ALL_PROXY} for both (curl's fallback), as
 *       {@code http://host:port} or {@code host:port} (default port 80);
 *       with {@code no_proxy}/{@code NO_PROXY} as the exception list (comma-separated host names, {@code .domain}
 *       or {@code domain} for the domain and its subdomains, IP literals, optional {@code :port}, {@code *} for
 *       everything);</li>
 *   <li>else direct.</li>
 * </ol>
 * https targets go through an HTTP proxy with {@code CONNECT} (RFC 9110 §9.3.6). A proxy URL with another
 * scheme ({@code https://}: TLS to the proxy itself, {@code socks5://}) is refused with a
 * {@link ConnectorException.Kind#CONFIGURATION} naming the variable as set, since not every client of the product can use it;
 * so is a proxy URL with credentials ({@code http://user:pass@host:port}): proxy authentication is not supported,
 * and the error (like {@link #describe()}) never shows them.
 */
public final class ProxySelection extends ProxySelector {

    private static final Logger LOG = LoggerFactory.getLogger(ProxySelection.class);

    /** A proxy from the environment and the variable it came from, spelt as set (e.g. {@code https_proxy}). */
    private record EnvProxy(Proxy proxy, String variable) {
    }

    private final Optional<EnvProxy> envHttps;
    private final Optional<EnvProxy> envHttp;
    private final List<String> noProxy;
    private final Properties properties;

    /**
     * @param environment the process environment (normally {@link System#getenv()}); snapshot
     * @param properties  Java system properties (normally {@link System#getProperties()}); read live
     * @throws ConnectorException (CONFIGURATION) when a proxy variable is not a usable proxy URL
     */
    public ProxySelection(Map<String, String> environment, Properties properties) {
        Objects.requireNonNull(environment, "environment");
        this.properties = Objects.requireNonNull(properties, "properties");
        Optional<EnvProxy> https = envProxy(environment, "https_proxy");
        Optional<EnvProxy> http = envProxy(environment, "http_proxy");
        // ALL_PROXY only when a scheme has no variable of its own (curl's order), and only then checked
        Optional<EnvProxy> all = https.isEmpty() || http.isEmpty() ? envProxy(environment, "all_proxy") : Optional.empty();
        this.envHttps = https.or(() -> all);
        this.envHttp = http.or(() -> all);
        this.noProxy = split(variable(environment, "no_proxy").orElse(""), ",");
    }

    /** The process's environment and system properties. */
    public static ProxySelection system() {
        return new ProxySelection(System.getenv(), System.getProperties());
    }

    /** The one proxy for {@code uri}: {@link Proxy#NO_PROXY} when direct. */
    public Proxy proxyFor(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : unbracket(uri.getHost().toLowerCase(Locale.ROOT));
        if (!(scheme.equals("http") || scheme.equals("https")) || host.isEmpty() || Loopback.isLoopbackHost(host)) {
            return Proxy.NO_PROXY;
        }
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        Optional<Proxy> fromProperties = propertyProxy(scheme);
        if (fromProperties.isPresent()) {
            String exceptions = properties.getProperty("http.nonProxyHosts", "");
            return matchesNonProxyHosts(host, exceptions) ? Proxy.NO_PROXY : fromProperties.get();
        }
        Optional<EnvProxy> fromEnv = scheme.equals("https") ? envHttps : envHttp;
        if (fromEnv.isPresent() && !matchesNoProxy(host, port)) {
            return fromEnv.get().proxy();
        }
        return Proxy.NO_PROXY;
    }

    @Override
    public List<Proxy> select(URI uri) {
        Objects.requireNonNull(uri, "uri");
        return List.of(proxyFor(uri));
    }

    @Override
    public void connectFailed(URI uri, SocketAddress proxy, IOException failure) {
        LOG.debug("Connecting to {} through the proxy {} failed: {}", uri.getHost(), proxy, failure.toString());
    }

    /** For {@code xaa doctor}: which proxy serves https and http, and where that came from. No credentials. */
    public String describe() {
        return "https " + describe("https", envHttps) + ", http " + describe("http", envHttp)
                + (noProxy.isEmpty() || propertyProxy("https").isPresent() ? "" : ", NO_PROXY " + String.join(",", noProxy))
                + "; loopback direct";
    }

    private String describe(String scheme, Optional<EnvProxy> env) {
        Optional<Proxy> p = propertyProxy(scheme);
        if (p.isPresent()) {
            return "via " + hostPort(p.get()) + " (" + scheme + ".proxyHost)";
        }
        return env.map(e -> "via " + hostPort(e.proxy()) + " (" + e.variable() + ")").orElse("direct");
    }

    private static String hostPort(Proxy proxy) {
        InetSocketAddress a = (InetSocketAddress) proxy.address();
        return a.getHostString() + ":" + a.getPort();
    }

    private Optional<Proxy> propertyProxy(String scheme) {
        String host = properties.getProperty(scheme + ".proxyHost");
        if (host == null || host.isBlank()) {
            return Optional.empty();
        }
        int port = parsePort(properties.getProperty(scheme + ".proxyPort"), scheme.equals("https") ? 443 : 80,
                scheme + ".proxyPort");
        return Optional.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host.strip(), port)));
    }

    private static Optional<EnvProxy> envProxy(Map<String, String> env, String name) {
        Optional<String> asSet = variableName(env, name); // the spelling set: messages and doctor name that one
        if (asSet.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EnvProxy(parseProxy(asSet.get(), env.get(asSet.get()).strip()), asSet.get()));
    }

    private static Proxy parseProxy(String name, String v) {
        URI uri;
        try {
            uri = URI.create(v.contains("://") ? v : "http://" + v);
        } catch (IllegalArgumentException e) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, name + " is not a proxy URL (expected http://host:port). Fix or unset it.");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http")) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, name + " uses '" + scheme + "://', which is not supported (only "
                    + "http:// proxies; https targets are tunnelled through them). Set it to http://host:port or unset it.");
        }
        if (uri.getHost() == null) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, name + " names no proxy host (expected http://host:port). Fix or unset it.");
        }
        int port = uri.getPort() != -1 ? parsePort(String.valueOf(uri.getPort()), 80, name) : 80;
        if (uri.getRawUserInfo() != null) { // refused rather than silently dropped: the proxy would answer 407
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, name + " carries a user name and password, but proxy authentication is not "
                    + "supported (they would not be sent). Use a proxy that needs none (e.g. a local one that adds "
                    + "them), then set " + name + "=http://" + uri.getHost() + ":" + port + ", or unset it.");
        }
        return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(uri.getHost(), port));
    }

    /** Which spelling of the variable is used: lower case first (curl's order), then upper case; blank means unset. */
    private static Optional<String> variableName(Map<String, String> env, String lowerName) {
        String v = env.get(lowerName);
        if (v != null && !v.isBlank()) {
            return Optional.of(lowerName);
        }
        String upper = lowerName.toUpperCase(Locale.ROOT);
        v = env.get(upper);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(upper);
    }

    /** Lower case first (curl's order), then upper case; blank means unset. */
    private static Optional<String> variable(Map<String, String> env, String lowerName) {
        String v = env.get(lowerName);
        if (v == null || v.isBlank()) {
            v = env.get(lowerName.toUpperCase(Locale.ROOT));
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    private boolean matchesNoProxy(String host, int port) {
        for (String entry : noProxy) {
            String e = entry.toLowerCase(Locale.ROOT);
            if (e.equals("*")) {
                return true;
            }
            int entryPort = -1;
            int colon = e.lastIndexOf(':');
            if (colon > 0 && e.indexOf(':') == colon && !e.endsWith("]")) { // host:port, not a bare IPv6 literal
                entryPort = parsePort(e.substring(colon + 1), -1, "NO_PROXY");
                e = e.substring(0, colon);
            } else if (e.startsWith("[") && e.contains("]:")) {
                entryPort = parsePort(e.substring(e.indexOf("]:") + 2), -1, "NO_PROXY");
                e = e.substring(0, e.indexOf("]:") + 1);
            }
            e = unbracket(e);
            if (entryPort != -1 && entryPort != port) {
                continue;
            }
            String domain = e.startsWith("*.") ? e.substring(2) : e.startsWith(".") ? e.substring(1) : e;
            if (!domain.isEmpty() && (host.equals(domain) || host.endsWith("." + domain))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesNonProxyHosts(String host, String exceptions) {
        for (String pattern : split(exceptions, "|")) {
            String p = unbracket(pattern.toLowerCase(Locale.ROOT));
            String regex = ("\\Q" + p.replace("*", "\\E.*\\Q") + "\\E");
            if (host.matches(regex)) {
                return true;
            }
        }
        return false;
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static List<String> split(String list, String separator) {
        List<String> out = new ArrayList<>();
        for (String s : list.split(java.util.regex.Pattern.quote(separator))) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    private static int parsePort(String value, int fallback, String what) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, what + " has the port '" + value + "', which is not a port number (1-65535).");
    }
}
