package dev.xaa4j.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar sample-issuer.jar}: starts the sample IdP, AS and MCP servers and prints one JSON line
 * to stdout when ready. Logs go to stderr.
 */
@Command(name = "sample-issuer", mixinStandardHelpOptions = true, version = "xaa4j sample issuer 0.1",
        description = {
                "Sample enterprise IdP + MCP authorization server + MCP servers (notes, tickets), on 127.0.0.1.",
                "When ready, prints one JSON line to stdout: {\"idp\":URL,\"as\":URL,\"servers\":{...},...}",
                "Headless grants at the AS: client_credentials (demo client xaa-agent-ci) and jwt-bearer with a "
                        + "workload JWT of {idp}/workload (mint one: POST /admin/workload-token {\"sub\":\"ci-job-1\"}).",
                "IdP token exchange takes an ID token or an IdP refresh token as subject_token "
                        + "(POST /admin/idp-features {\"refreshTokenSubject\":false} turns the latter off)."})
public final class SampleIssuerMain implements Callable<Integer> {

    @Option(names = "--port-base", paramLabel = "N", defaultValue = "9400",
            description = "IdP on N, AS on N+1, MCP servers on N+2; 0 picks free ports (default: ${DEFAULT-VALUE})")
    int portBase;

    @Option(names = "--policy", paramLabel = "FILE", description = "JSON policy replacing the built-in demo policy")
    Path policy;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "where audit.jsonl and admin-token are written, and kept after exit (default: a new "
                    + "temporary directory, removed on exit)")
    Path stateDir;

    @Option(names = "--id-token-ttl", paramLabel = "DURATION", defaultValue = "PT10M",
            converter = DurationConverter.class, description = "ID token lifetime, e.g. 10m, 30s, PT1H (default: 10m)")
    Duration idTokenTtl;

    @Option(names = "--refresh-token-ttl", paramLabel = "DURATION", defaultValue = "PT8H",
            converter = DurationConverter.class, description = "IdP refresh token lifetime (default: 8h)")
    Duration refreshTokenTtl;

    @Option(names = "--id-jag-ttl", paramLabel = "DURATION", defaultValue = "PT5M",
            converter = DurationConverter.class, description = "ID-JAG lifetime (default: 5m)")
    Duration idJagTtl;

    @Option(names = "--access-token-ttl", paramLabel = "DURATION", defaultValue = "PT15M",
            converter = DurationConverter.class, description = "MCP access token lifetime (default: 15m)")
    Duration accessTokenTtl;

    @Option(names = "--code-ttl", paramLabel = "DURATION", defaultValue = "PT60S",
            converter = DurationConverter.class, description = "authorization code lifetime (default: 60s)")
    Duration codeTtl;

    @Option(names = "--dev-auto-approve", paramLabel = "USER",
            description = "DEV ONLY: /authorize signs USER (a policy user, e.g. alice) in without a login form or "
                    + "password, for demos on this machine; a warning is logged at start (default: off, the login form)")
    String devAutoApprove;

    @Option(names = "--external-as", paramLabel = "NAME=ISSUER",
            description = "add the MCP server {mcp}/NAME/mcp whose metadata names ISSUER (an external authorization "
                    + "server, e.g. Keycloak's realm URL) and which accepts that AS's JWT access tokens (keys from its "
                    + "metadata); scopes NAME:read and NAME:write; repeatable")
    java.util.Map<String, java.net.URI> externalAs = new java.util.LinkedHashMap<>();

    @Option(names = "--external-audience", paramLabel = "NAME=VALUE",
            description = "the audience a token for external server NAME must name (default: the server's URL)")
    java.util.Map<String, String> externalAudience = new java.util.LinkedHashMap<>();

    @Option(names = "--external-audience-claim", paramLabel = "NAME=CLAIMS",
            description = "comma-separated claims one of which must name the audience: aud (default), azp, resource")
    java.util.Map<String, String> externalAudienceClaim = new java.util.LinkedHashMap<>();

    @Option(names = "--client-jwks", paramLabel = "CLIENT_ID=FILE",
            description = "register the public JWK or JWK Set in FILE (e.g. what `xaa key create` printed) for the "
                    + "private_key_jwt client CLIENT_ID of the IdP and/or the MCP AS; replaces that client's policy "
                    + "keys (its secret stays usable); repeatable. At run time: POST /admin/clients/CLIENT_ID/jwks")
    java.util.Map<String, Path> clientJwks = new java.util.LinkedHashMap<>();

    @Option(names = "--dpop", paramLabel = "SWITCH", split = ",",
            description = "start with DPoP switches on (also POST /admin/dpop at run time): idpNonce, asNonce "
                    + "(token endpoints answer use_dpop_nonce until a proof carries the DPoP-Nonce), rsNonce (the same "
                    + "at the MCP servers), requireDpop (the MCP authorization servers refuse token requests without "
                    + "a proof); comma-separated or repeated (default: none; DPoP proofs are always accepted, "
                    + "ES256)")
    List<String> dpop = new java.util.ArrayList<>();

    @Option(names = "--exit-when-ready",
            description = "start, call each kind of endpoint once (a self-check), print the ready line and exit; "
                    + "used for smoke tests and to record the launcher's AppCDS archive")
    boolean exitWhenReady;

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        // Exit explicitly: the MCP SDK's session sweeper threads are not daemons and outlive server.close().
        System.exit(new CommandLine(new SampleIssuerMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Path dir = stateDir != null ? stateDir : Files.createTempDirectory("xaa4j-sample-");
        boolean ownDir = stateDir == null; // a directory we created is ours to remove; one given is the caller's
        SampleIssuer issuer;
        try {
            IssuerSettings settings = new IssuerSettings(portBase, Optional.ofNullable(policy), dir, idTokenTtl,
                    refreshTokenTtl, idJagTtl, accessTokenTtl, codeTtl, Optional.ofNullable(devAutoApprove),
                    externalServers());
            issuer = SampleIssuer.start(settings);
            try {
                clientJwks.forEach(issuer::registerClientKeys);
                com.fasterxml.jackson.databind.node.ObjectNode switches = new ObjectMapper().createObjectNode();
                dpop.forEach(name -> switches.put(name.trim(), true));
                if (!dpop.isEmpty()) { // else no audit entry "switch: all off -> all off" heads every audit log
                    try {
                        issuer.dpopModes().set(switches);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--dpop: " + e.getMessage(), e);
                    }
                }
            } catch (IllegalArgumentException e) {
                issuer.close();
                throw e;
            }
        } catch (Exception e) {
            System.err.println("sample-issuer: " + e.getMessage());
            removeIfOwn(dir, ownDir);
            return 1;
        }
        System.out.println(new ObjectMapper().writeValueAsString(issuer.readyDocument()));
        System.out.flush();
        System.err.printf("sample-issuer: ready in %d ms (JVM up %d ms); IdP %s, AS %s, MCP %s%n",
                (System.nanoTime() - t0) / 1_000_000,
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(),
                issuer.idpIssuer(), issuer.asIssuer(), issuer.servers().values());
        System.err.println("sample-issuer: plain OAuth AS " + issuer.oauthIssuer() + "; servers and flows: "
                + issuer.flows());
        System.err.println("sample-issuer: admin token in " + issuer.adminTokenFile() + ", audit in "
                + issuer.auditFile());
        if (exitWhenReady) {
            try (issuer) {
                return SelfCheck.run(issuer) ? 0 : 1;
            } finally {
                removeIfOwn(dir, ownDir);
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                issuer.close();
            } catch (Exception ignored) {
                // shutting down anyway
            }
            removeIfOwn(dir, ownDir);
            stopped.countDown();
        }, "sample-issuer-shutdown"));
        stopped.await();
        return 0;
    }

    /** The {@code --external-as} servers with their audience options; an option naming no such server is an error. */
    private List<IssuerSettings.ExternalAs> externalServers() {
        java.util.Set<String> unknown = new java.util.TreeSet<>(externalAudience.keySet());
        unknown.addAll(externalAudienceClaim.keySet());
        unknown.removeAll(externalAs.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("--external-audience/--external-audience-claim name " + unknown
                    + ", which no --external-as NAME=ISSUER declares");
        }
        List<IssuerSettings.ExternalAs> out = new java.util.ArrayList<>();
        externalAs.forEach((name, issuerUri) -> out.add(new IssuerSettings.ExternalAs(name, issuerUri,
                Optional.ofNullable(externalAudience.get(name)),
                externalAudienceClaim.containsKey(name) ? List.of(externalAudienceClaim.get(name).split(","))
                        : List.of())));
        return out;
    }

    /** Deletes {@code dir} and everything in it when {@code own}; a failure is said on stderr, never thrown. */
    private static void removeIfOwn(Path dir, boolean own) {
        if (!own) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            System.err.println("sample-issuer: could not remove its state directory " + dir + ": " + e.getMessage());
        }
    }

    /** Accepts ISO-8601 ({@code PT30S}) and short forms ({@code 30s}, {@code 5m}, {@code 2h}, {@code 1500ms}). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            if (v.startsWith("p")) {
                return Duration.parse(value.trim().toUpperCase(java.util.Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration; use e.g. 30s, 5m, 2h or PT30S");
            };
        }
    }
}
