package dev.xaa4j.sample;

import dev.xaa4j.sample.as.AuthorizationServer;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.dpop.DPoPModes;
import dev.xaa4j.sample.dpop.DPoPVerifier;
import dev.xaa4j.sample.idp.IdentityProvider;
import dev.xaa4j.sample.keys.SigningKeys;
import dev.xaa4j.sample.mcp.McpServers;
import dev.xaa4j.sample.oauth.OAuthFaults;
import dev.xaa4j.sample.oauth.PlainAuthorizationServer;
import dev.xaa4j.sample.policy.Policy;
import dev.xaa4j.sample.policy.PolicyEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The sample issuer: an enterprise IdP, an MCP authorization server and the MCP servers {@code notes} and
 * {@code tickets} (EMA), a plain MCP OAuth authorization server ({@code {asBase}/oauth}, plus {@code /oauth2} for
 * AS-migration tests) with the MCP server {@code wiki}, and optionally servers trusting an external AS, in one
 * process, on 127.0.0.1 only. One Jetty server with three connectors (IdP, AS, MCP)
 * and one servlet context per connector.
 *
 * <p>Start with {@link #start(IssuerSettings)}; {@link #close()} stops everything.
 */
public final class SampleIssuer implements AutoCloseable {

    private static final String LOOPBACK = "127.0.0.1";

    private final Server server;
    private final URI idpIssuer;
    private final URI asIssuer;
    private final Map<String, URI> servers;
    private final PolicyEngine policy;
    private final AuditLog audit;
    private final SigningKeys idpKeys;
    private final Path adminTokenFile;
    private final String adminToken;
    private McpServers mcp;
    private Plain plain;
    private DPoPModes dpop;

    /** The plain-OAuth side: both plain AS issuers, the servers not reached by EMA, every server's flow, the faults. */
    private record Plain(URI issuer, URI secondIssuer, Map<String, URI> servers, Map<String, String> flows,
                         OAuthFaults faults) {
    }

    /** Path of the plain OAuth AS's issuer on the AS port; {@link #SECOND_PLAIN_AS_PATH} is the AS-migration target. */
    public static final String PLAIN_AS_PATH = "/oauth";
    public static final String SECOND_PLAIN_AS_PATH = "/oauth2";

    private SampleIssuer(Server server, URI idpIssuer, URI asIssuer, Map<String, URI> servers,
                         PolicyEngine policy, AuditLog audit, SigningKeys idpKeys, Path adminTokenFile,
                         String adminToken) {
        this.server = server;
        this.idpIssuer = idpIssuer;
        this.asIssuer = asIssuer;
        this.servers = servers;
        this.policy = policy;
        this.audit = audit;
        this.idpKeys = idpKeys;
        this.adminTokenFile = adminTokenFile;
        this.adminToken = adminToken;
    }

    /** Binds the three ports, wires IdP, AS and MCP servers, and starts serving. */
    public static SampleIssuer start(IssuerSettings settings) throws Exception {
        return start(settings, Clock.systemUTC());
    }

    /** As {@link #start(IssuerSettings)}, every lifetime (codes, tokens, audit times) measured on {@code clock}. */
    public static SampleIssuer start(IssuerSettings settings, Clock clock) throws Exception {
        // Start-up is dominated by RSA key generation and by class loading of the MCP SDK (Jackson, Reactor,
        // the JSON schema validator). Do those on their own threads while this one wires Jetty; the common
        // fork-join pool has a single worker on two cores, so use plain threads.
        CompletableFuture<SigningKeys> idpKeysFuture = onOwnThread("idp-keys", () -> new SigningKeys("idp"));
        CompletableFuture<SigningKeys> asKeysFuture = onOwnThread("as-keys", () -> new SigningKeys("as"));
        CompletableFuture<Boolean> mcpWarm = onOwnThread("mcp-warm-up", McpServers::warmUp);
        Policy policyDoc = settings.policyFile().isPresent()
                ? Policy.load(settings.policyFile().get())
                : Policy.demo();
        Files.createDirectories(settings.stateDir());

        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("sample-issuer");
        Server server = new Server(threads);
        int base = settings.portBase();
        ServerConnector idpConnector = connector(server, "idp", base == 0 ? 0 : base);
        ServerConnector asConnector = connector(server, "as", base == 0 ? 0 : base + 1);
        ServerConnector mcpConnector = connector(server, "mcp", base == 0 ? 0 : base + 2);
        try {
            // Bind first so that with --port-base 0 the issuer URLs carry the real ports.
            idpConnector.open();
            asConnector.open();
            mcpConnector.open();
        } catch (IOException e) {
            server.stop();
            throw new IOException("cannot bind the sample issuer's ports (" + (base == 0 ? "free ports" : base + "-" + (base + 2))
                    + "): " + e.getMessage() + ". Is another instance running? Try --port-base 0.", e);
        }
        URI idpIssuer = URI.create("http://" + LOOPBACK + ":" + idpConnector.getLocalPort());
        URI asIssuer = URI.create("http://" + LOOPBACK + ":" + asConnector.getLocalPort());
        URI mcpBase = URI.create("http://" + LOOPBACK + ":" + mcpConnector.getLocalPort());

        Map<String, URI> servers = new LinkedHashMap<>();
        for (Policy.Resource r : policyDoc.resources()) {
            servers.put(r.name(), McpServers.resourceUri(mcpBase, r.name()));
        }
        Map<URI, Policy.Resource> plainResources = new LinkedHashMap<>();
        Map<String, URI> otherServers = new LinkedHashMap<>();
        for (Policy.Resource r : policyDoc.plainOAuth().resources()) {
            plainResources.put(McpServers.resourceUri(mcpBase, r.name()), r);
            otherServers.put(r.name(), McpServers.resourceUri(mcpBase, r.name()));
        }
        for (IssuerSettings.ExternalAs ext : settings.externalAuthorizationServers()) {
            if (servers.containsKey(ext.server()) || otherServers.put(ext.server(),
                    McpServers.resourceUri(mcpBase, ext.server())) != null) {
                server.stop();
                throw new IllegalArgumentException("--external-as " + ext.server() + ": an MCP server of that name "
                        + "already exists; pick another name");
            }
        }

        PolicyEngine engine = new PolicyEngine(policyDoc);
        AuditLog audit = new AuditLog(settings.stateDir().resolve("audit.jsonl"), clock);
        String adminToken = randomToken();
        Path adminTokenFile = writePrivate(settings.stateDir().resolve("admin-token"), adminToken);
        SigningKeys idpKeys = idpKeysFuture.join();
        SigningKeys asKeys = asKeysFuture.join();

        OAuthFaults faults = new OAuthFaults(audit);
        DPoPVerifier dpop = new DPoPVerifier(new DPoPModes(audit));
        IdentityProvider idp = new IdentityProvider(idpIssuer, settings, engine, audit, idpKeys, clock,
                adminToken, asIssuer, servers, faults, dpop);
        AuthorizationServer as = new AuthorizationServer(asIssuer, settings, policyDoc, audit, asKeys, clock,
                idpIssuer, idp.jwksUri(), servers, dpop);
        PlainAuthorizationServer oauth = new PlainAuthorizationServer(URI.create(asIssuer + PLAIN_AS_PATH), settings,
                policyDoc, plainResources, policyDoc.plainOAuth().clients(), audit, asKeys, clock, idp.devAutoApprove(),
                faults, dpop);
        PlainAuthorizationServer oauth2 = new PlainAuthorizationServer(URI.create(asIssuer + SECOND_PLAIN_AS_PATH),
                settings, policyDoc, plainResources, List.of(), audit, asKeys, clock, idp.devAutoApprove(), faults, dpop);
        mcpWarm.join();
        McpServers mcp = new McpServers(mcpBase, asIssuer, as.jwksUri(), policyDoc, clock,
                new McpServers.PlainAs(oauth.issuer(), oauth.jwksUri(), oauth2.issuer(), oauth2.jwksUri(), faults),
                settings.externalAuthorizationServers(), dpop, audit);

        ContextHandlerCollection contexts = new ContextHandlerCollection();
        contexts.addHandler(context("idp", idp::install));
        contexts.addHandler(context("as", ctx -> {
            as.install(ctx);
            oauth.install(ctx);
            oauth2.install(ctx);
        }));
        contexts.addHandler(context("mcp", mcp::install));
        server.setHandler(contexts);
        server.setStopAtShutdown(true);
        server.start();
        SampleIssuer issuer = new SampleIssuer(server, idpIssuer, asIssuer,
                java.util.Collections.unmodifiableMap(servers), engine, audit, idpKeys, adminTokenFile, adminToken);
        issuer.mcp = mcp;
        issuer.plain = new Plain(oauth.issuer(), oauth2.issuer(), Collections.unmodifiableMap(otherServers),
                mcp.flows(), faults);
        issuer.dpop = dpop.modes();
        return issuer;
    }

    /** {@code work} on a new daemon thread of its own; a failure completes the future exceptionally. */
    private static <T> CompletableFuture<T> onOwnThread(String name, java.util.function.Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, task -> {
            Thread t = new Thread(task, "sample-issuer-" + name);
            t.setDaemon(true);
            t.start();
        });
    }

    private static ServerConnector connector(Server server, String name, int port) {
        ServerConnector c = new ServerConnector(server, 1, 1);
        c.setName(name);
        c.setHost(LOOPBACK);
        c.setPort(port);
        server.addConnector(c);
        return c;
    }

    private static ServletContextHandler context(String connectorName,
                                                 java.util.function.Consumer<ServletContextHandler> installer) {
        ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        ctx.setContextPath("/");
        ctx.setVirtualHosts(List.of("@" + connectorName));
        installer.accept(ctx);
        return ctx;
    }

    private static String randomToken() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static Path writePrivate(Path file, String content) {
        try {
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin token file " + file, e);
        }
    }

    public URI idpIssuer() {
        return idpIssuer;
    }

    public URI asIssuer() {
        return asIssuer;
    }

    /** The plain MCP OAuth AS ({@code {asBase}/oauth}): authorization code + PKCE, DCR, CIMD, pre-registration. */
    public URI oauthIssuer() {
        return plain.issuer();
    }

    /** The second plain AS ({@code {asBase}/oauth2}), named by the wiki's metadata under the AS-migration fault. */
    public URI secondOAuthIssuer() {
        return plain.secondIssuer();
    }

    /**
     * The MCP servers not reached through EMA, by name: the plain-OAuth ones ({@code wiki}) and those trusting an
     * external AS; each URL is also the server's resource id.
     */
    public Map<String, URI> oauthServers() {
        return plain.servers();
    }

    /** Every MCP server's flow by name: {@code ema}, {@code oauth} (our plain AS) or {@code external}. */
    public Map<String, String> flows() {
        return plain.flows();
    }

    /** The plain-OAuth fault switch (also {@code POST /admin/oauth-faults}). */
    public OAuthFaults oauthFaults() {
        return plain.faults();
    }

    /** The DPoP switches: nonces, {@code requireDpop} (also {@code POST /admin/dpop}). */
    public DPoPModes dpopModes() {
        return dpop;
    }

    /**
     * The EMA MCP server URLs by name ({@code notes}, {@code tickets}); each is also the server's resource id. The
     * servers of other flows are in {@link #oauthServers()}, so EMA-only callers keep working.
     */
    public Map<String, URI> servers() {
        return servers;
    }

    public URI server(String name) {
        URI u = servers.containsKey(name) ? servers.get(name) : plain.servers().get(name);
        if (u == null) {
            throw new IllegalArgumentException("no MCP server named '" + name + "'; known: " + plain.flows().keySet());
        }
        return u;
    }

    public PolicyEngine policy() {
        return policy;
    }

    public Path auditFile() {
        return audit.file();
    }

    public SigningKeys idpKeys() {
        return idpKeys;
    }

    /** The file (mode 0600) holding the admin token for {@code /admin/*} on the IdP port. */
    public Path adminTokenFile() {
        return adminTokenFile;
    }

    /** For in-process callers (tests); out-of-process operators read {@link #adminTokenFile()}. */
    public String adminToken() {
        return adminToken;
    }

    /** The single JSON line printed on stdout when ready. Contains no secret. */
    public Map<String, Object> readyDocument() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("idp", idpIssuer.toString());
        doc.put("as", asIssuer.toString());
        Map<String, String> s = new LinkedHashMap<>();
        servers.forEach((k, v) -> s.put(k, v.toString()));
        doc.put("servers", s);
        doc.put("oauth", plain.issuer().toString());
        Map<String, String> o = new LinkedHashMap<>();
        plain.servers().forEach((k, v) -> o.put(k, v.toString()));
        doc.put("oauthServers", o);
        doc.put("flows", plain.flows());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("algs", DPoPVerifier.ALGORITHMS);
        d.put("switches", dpop.describe());
        d.put("admin", idpIssuer + "/admin/dpop");
        doc.put("dpop", d);
        doc.put("admin", idpIssuer + "/admin");
        doc.put("adminTokenFile", adminTokenFile.toString());
        doc.put("audit", audit.file().toString());
        return doc;
    }

    @Override
    public void close() throws Exception {
        try (audit; McpServers mcpServers = mcp) { // after Jetty stops: the MCP servers, then the audit log
            server.stop();
        }
    }
}
