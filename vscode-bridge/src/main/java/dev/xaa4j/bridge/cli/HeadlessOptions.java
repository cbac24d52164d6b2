package dev.xaa4j.bridge.cli;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.host.config.ConnectorFactory;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.internal.headless.WorkloadJwtSource;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;

/**
 * The CLI side of the headless modes (docs/architecture.md "Choosing the flow"): checks of {@code xaa server add
 * --auth client-credentials|workload}, the per-run {@code --workload SOURCE} of {@code xaa bridge} and {@code xaa token}
 * (the server runs as a workload with that JWT source for this process only, never written to the config file), and
 * the sentences {@code xaa doctor} prints. A workload JWT's source is described, never its content. Stateless.
 */
final class HeadlessOptions {

    static final String WORKLOAD = "--workload";
    static final String WORKLOAD_DESCRIPTION = "run SERVER as a workload for this run: its JWT comes from SOURCE, "
            + "file:PATH or command:COMMAND ARGS… (read for every token request; no IdP, sign-in or browser; "
            + "not written to the config file)";

    private HeadlessOptions() {
    }

    /** The options of {@code xaa server add} that go together with the headless modes; a usage error otherwise. */
    static void check(CommandLine.Model.CommandSpec spec, String name, AuthMode mode, String clientId, String workloadToken) {
        if (mode == AuthMode.CLIENT_CREDENTIALS && clientId == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--auth client-credentials needs --client-id ID "
                    + "(the client your administrator registered at the server's authorization server)");
        }
        if (mode == AuthMode.WORKLOAD && workloadToken == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--auth workload needs --workload-token "
                    + "file:PATH or command:COMMAND (where the workload's JWT comes from)");
        }
        if (workloadToken != null && mode != AuthMode.WORKLOAD) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--workload-token is for --auth workload only");
        }
        if (workloadToken != null && !WorkloadJwtSource.valid(workloadToken)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--workload-token must be file:PATH or "
                    + "command:COMMAND ARGS…, e.g. file:/var/run/secrets/tokens/mcp-token");
        }
    }

    /** What to do after adding a headless server, as a clause starting with "; " (empty for other modes). */
    static String nextStep(String name, AuthMode mode) {
        return switch (mode) {
            case CLIENT_CREDENTIALS -> "; store its client secret with `xaa secret set as-client-secret " + name
                    + "` (reads stdin), or register this install's key; then `xaa token " + name + "` (no sign-in)";
            case WORKLOAD -> "; `xaa token " + name + "` and `xaa bridge " + name + "` need no sign-in";
            default -> "";
        };
    }

    /** {@code config} with {@code server} (a name or URL) running as a workload with {@code source}; a usage error for a bad source. */
    static XaaConfig workload(XaaConfig config, String server, String source) {
        if (!WorkloadJwtSource.valid(source)) {
            throw new IllegalArgumentException(WORKLOAD + " must be file:PATH or command:COMMAND ARGS…, e.g. "
                    + "--workload file:/var/run/secrets/tokens/mcp-token");
        }
        if (config.server(server).isEmpty() && !server.startsWith("http://") && !server.startsWith("https://")) {
            // a typo of a configured name reads as "not an absolute http(s) URL" further down: say what it is
            String known = config.servers().isEmpty() ? "none configured yet" : "known: " + String.join(", ", config.servers().keySet());
            throw new IllegalArgumentException("xaa has no MCP server named '" + server + "'; run `xaa server add " + server
                    + " URL` (" + known + "), or give the server's http(s) URL");
        }
        Map<String, ServerEntry> servers = new LinkedHashMap<>(config.servers());
        ServerEntry entry = config.server(server).orElseGet(() -> new ServerEntry(server, null, java.util.List.of(), null));
        servers.put(server, entry.withAuth(AuthMode.WORKLOAD).withWorkloadToken(source));
        return new XaaConfig(config.idp(), servers, config.sessionStorage());
    }

    /**
     * A connector of this process's own for a {@link #workload} configuration: the workload needs nothing from the
     * keyring or a broker, so its store is memory.
     */
    static Connector workloadConnector(XaaConfig overridden) {
        return ConnectorFactory.build(overridden, Optional.empty(),
                b -> ConnectorInternals.credentialStore(b, new MemoryCredentialStore())).orElseThrow(SessionCommands::notSetUp);
    }

    /** For {@code xaa doctor}: which grant, which client, where the JWT comes from; empty for other modes. */
    static Optional<String> explain(ServerEntry entry) {
        return switch (entry.authMode()) {
            case CLIENT_CREDENTIALS -> Optional.of("headless: client credentials grant (no person, no IdP) as client "
                    + (entry.asClientId() == null ? "(none: add --client-id)" : entry.asClientId())
                    + "; its secret (`xaa secret set as-client-secret`) or key comes from the keyring, and the "
                    + "authorization server's token_endpoint_auth_methods_supported chooses how it is sent");
            case WORKLOAD -> Optional.of("headless: workload jwt-bearer grant (no person, no IdP); the workload JWT is "
                    + (entry.workloadToken() == null ? "not configured (add --workload-token file:PATH)"
                    : WorkloadJwtSource.describe(entry.workloadToken()) + ", afresh for every token request")
                    + (entry.asClientId() == null ? "" : "; client_id " + entry.asClientId()));
            default -> Optional.empty();
        };
    }
}
