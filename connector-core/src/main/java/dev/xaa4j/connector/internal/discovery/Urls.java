package dev.xaa4j.connector.internal.discovery;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.Sentences;
import dev.xaa4j.connector.internal.http.Loopback;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** URL rules of docs/protocol.md §6: canonical server URLs, well-known locations, https except on loopback. */
public final class Urls {
    private Urls() {
    }

    /**
     * §6 step 1: lower-case scheme and host, no fragment, no user info, default port dropped, path kept (a
     * lone {@code /} is dropped; any other trailing slash is significant and kept), query kept.
     */
    static URI canonical(URI url) {
        if (url == null || url.getScheme() == null || url.getHost() == null) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "'" + url + "' is not an absolute http(s) URL of an MCP server.");
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "'" + url + "' is not an http(s) URL; MCP servers are reached over https.");
        }
        int port = url.getPort();
        if ((scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80)) {
            port = -1;
        }
        String path = url.getRawPath() == null || url.getRawPath().equals("/") ? "" : url.getRawPath();
        String host = url.getHost().toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(scheme).append("://").append(host);
        if (port != -1) {
            b.append(':').append(port);
        }
        b.append(path);
        if (url.getRawQuery() != null) {
            b.append('?').append(url.getRawQuery());
        }
        return URI.create(b.toString());
    }

    static String origin(URI url) {
        return url.getScheme().toLowerCase(Locale.ROOT) + "://" + url.getRawAuthority().toLowerCase(Locale.ROOT);
    }

    /** RFC 9728 §3: the well-known suffix of protected resource metadata. */
    static final String PROTECTED_RESOURCE = "/.well-known/oauth-protected-resource";
    /** RFC 8414 §3: the well-known suffix of authorization server metadata. */
    static final String AUTHORIZATION_SERVER = "/.well-known/oauth-authorization-server";
    /** OIDC Discovery §4: the well-known suffix of an OpenID provider's configuration. */
    static final String OPENID_CONFIGURATION = "/.well-known/openid-configuration";

    /** The path without a trailing slash ({@code ""} for the root). */
    static String pathOf(URI url) {
        String p = url.getRawPath() == null ? "" : url.getRawPath();
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** RFC 9728 §3.1: path-aware location first, then the root location (§6 step 3). */
    static List<URI> protectedResourceMetadata(URI server) {
        String path = pathOf(server);
        String root = origin(server) + PROTECTED_RESOURCE;
        return path.isEmpty() ? List.of(URI.create(root)) : List.of(URI.create(root + path), URI.create(root));
    }

    /** §6 step 6: RFC 8414 then OIDC, path-aware for issuers with a path. */
    static List<URI> authorizationServerMetadata(URI issuer) {
        String origin = origin(issuer);
        String path = pathOf(issuer);
        if (path.isEmpty()) {
            return List.of(URI.create(origin + AUTHORIZATION_SERVER),
                    URI.create(origin + OPENID_CONFIGURATION));
        }
        return List.of(URI.create(origin + AUTHORIZATION_SERVER + path),
                URI.create(origin + OPENID_CONFIGURATION + path),
                URI.create(origin + path + OPENID_CONFIGURATION));
    }

    /** OIDC Discovery §4: the issuer with {@code /.well-known/openid-configuration} appended. */
    static URI openIdConfiguration(URI issuer) {
        String s = issuer.toString();
        return URI.create((s.endsWith("/") ? s.substring(0, s.length() - 1) : s) + OPENID_CONFIGURATION);
    }

    static boolean isLoopback(URI url) {
        return Loopback.isLoopbackHost(url.getHost());
    }

    /** docs/protocol.md §1/§3.1: every endpoint is https; plain http only on loopback (local tests, sample issuer). */
    static URI requireSecure(URI url, String what) {
        if (url == null) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, Sentences.start(what) + " is missing.");
        }
        Optional<String> problem = transportProblem(url);
        if (problem.isPresent()) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, Sentences.start(what) + " '" + url + "' " + problem.get()
                    + ". Ask the server's administrator to fix its metadata.");
        }
        return url;
    }

    /**
     * The transport rule for every URL requests go to, from metadata or typed by a person: https, or plain http
     * only on loopback; a port the HTTP client can use ({@code java.net.URI} takes any digits, the client would
     * throw later). Empty when usable; else the problem as a predicate ("does not use https; …").
     */
    private static Optional<String> transportProblem(URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (u.getPort() > 65535) {
            return Optional.of("has an invalid port (above 65535)");
        }
        if (scheme.equals("https") || (scheme.equals("http") && isLoopback(u))) {
            return Optional.empty();
        }
        return Optional.of("does not use https; only https is accepted (plain http only on 127.0.0.1, localhost or ::1)");
    }

    /**
     * The problem with a configured or typed issuer URL, if any: it must be an absolute https URL (plain http
     * only on loopback) without query or fragment (RFC 8414 §2, OpenID Connect Discovery §2). Empty when usable.
     */
    public static Optional<String> issuerProblem(String value) {
        Optional<String> problem = endpointProblem(value);
        if (problem.isPresent()) {
            return problem;
        }
        if (value.contains("?")) {
            return Optional.of("'" + value + "' has a query (?…), which an issuer URL must not have (RFC 8414 §2)");
        }
        return Optional.empty();
    }

    /**
     * The problem with a configured or typed endpoint URL (an MCP server's), if any: an absolute https URL (plain
     * http only on loopback) without a fragment. Empty when usable.
     */
    public static Optional<String> endpointProblem(String value) {
        URI u;
        try {
            u = new URI(value);
        } catch (URISyntaxException e) {
            return Optional.of("'" + value + "' is not a URL (" + e.getReason() + ")");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!u.isAbsolute() || u.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            return Optional.of("'" + value + "' is not an absolute https URL (like https://idp.example.com)");
        }
        Optional<String> transport = transportProblem(u);
        if (transport.isPresent()) {
            return transport.map(p -> "'" + value + "' " + p);
        }
        if (u.getRawFragment() != null || value.contains("#")) {
            return Optional.of("'" + value + "' has a fragment (#…), which a URL to send requests to cannot have");
        }
        return Optional.empty();
    }

    /** @param what a lower-case noun phrase ("the resource_metadata URL"), used inside sentences */
    static URI parse(String value, String what) {
        try {
            URI u = new URI(value);
            if (!u.isAbsolute() || u.getHost() == null) {
                throw new URISyntaxException(value, "not an absolute URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, Sentences.start(what) + " '" + value + "' is not an absolute URL.");
        }
    }

    /**
     * §6 step 4: the PRM {@code resource} must identify the server URL we used. RFC 9728 §3.3 asks for an exact
     * match; like the MCP SDKs we also accept a resource on the same origin whose path is a prefix (on a
     * segment boundary) of the server's path, e.g. resource {@code https://h/} for server {@code https://h/mcp}.
     */
    static boolean resourceMatches(String resource, URI server) {
        if (resource.equals(server.toString())) {
            return true;
        }
        URI r;
        try {
            r = canonical(URI.create(resource));
        } catch (RuntimeException e) {
            return false;
        }
        if (!origin(r).equals(origin(server)) || r.getRawQuery() != null) {
            return false;
        }
        String rp = pathOf(r);
        String sp = pathOf(server);
        return sp.equals(rp) || sp.startsWith(rp + "/");
    }
}
