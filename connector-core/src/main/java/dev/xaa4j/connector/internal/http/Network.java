package dev.xaa4j.connector.internal.http;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPRequestConfigurator;
import dev.xaa4j.connector.ConnectorException;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLContext;

/**
 * How every HTTP client of the product reaches the network: which proxy ({@link ProxySelection}: the
 * {@code HTTPS_PROXY}/{@code HTTP_PROXY}/{@code ALL_PROXY}/{@code NO_PROXY} variables and Java's proxy properties,
 * loopback direct) and which certificates to trust (the Java trust store plus the PEM bundle named by
 * {@value #CA_BUNDLE}). Sign-in, discovery, token exchange, jwt-bearer and JWKS requests (Nimbus, via
 * {@link #configure}), the MCP SDK transport ({@link #configure(HttpClient.Builder)}) and the bridge's Apache
 * client ({@link #proxySelector()}, {@link #sslContext()}) all take it from here. Immutable, thread-safe.
 */
public final class Network implements HTTPRequestConfigurator {

    /** Environment variable: path of a PEM file of extra CA certificates to trust (a company CA). */
    public static final String CA_BUNDLE = "XAA_CA_BUNDLE";

    private static volatile Network system;

    private final ProxySelection proxies;
    private final SSLContext ssl;
    private final Optional<Path> bundle;

    private Network(ProxySelection proxies, SSLContext ssl, Optional<Path> bundle) {
        this.proxies = proxies;
        this.ssl = ssl;
        this.bundle = bundle;
    }

    /**
     * From an environment and Java properties (tests, embedding hosts).
     *
     * @throws ConnectorException (CONFIGURATION) for an unusable proxy variable or CA bundle, with what to do next
     */
    public static Network from(Map<String, String> environment, Properties properties) {
        Objects.requireNonNull(environment, "environment");
        ProxySelection proxies = new ProxySelection(environment, properties);
        String file = environment.get(CA_BUNDLE);
        if (file == null || file.isBlank()) {
            return new Network(proxies, defaultContext(), Optional.empty());
        }
        Path bundle = Path.of(file.strip());
        return new Network(proxies, TrustBundle.withBundle(bundle, CA_BUNDLE), Optional.of(bundle));
    }

    /**
     * This process's settings ({@link System#getenv()}, {@link System#getProperties()}), built once. Java
     * proxy properties set later still apply (they are read per request).
     *
     * @throws ConnectorException (CONFIGURATION) for an unusable proxy variable or CA bundle
     */
    public static Network system() {
        Network n = system;
        if (n == null) {
            synchronized (Network.class) {
                n = system;
                if (n == null) {
                    n = from(System.getenv(), System.getProperties());
                    system = n;
                }
            }
        }
        return n;
    }

    public ProxySelector proxySelector() {
        return proxies;
    }

    /** Trusts the Java trust store plus the {@value #CA_BUNDLE} certificates. */
    public SSLContext sslContext() {
        return ssl;
    }

    /** Applies the proxy and the trust to one Nimbus request. */
    @Override
    public void configure(HTTPRequest request) {
        request.setProxy(proxies.proxyFor(request.getURI()));
        request.setSSLSocketFactory(ssl.getSocketFactory());
    }

    /** Applies the proxy and the trust to a JDK {@link HttpClient} (the MCP Java SDK's transport). */
    public HttpClient.Builder configure(HttpClient.Builder builder) {
        return builder.proxy(proxies).sslContext(ssl);
    }

    /** One line for {@code xaa doctor}: proxies and trust, no credentials. */
    public String describe() {
        return proxies.describe() + "; TLS trust: Java trust store"
                + bundle.map(b -> " + " + CA_BUNDLE + " " + b).orElse("");
    }

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The Java runtime offers no TLS: " + e.getMessage(), e);
        }
    }
}
