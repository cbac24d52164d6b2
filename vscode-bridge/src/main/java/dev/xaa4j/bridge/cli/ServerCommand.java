package dev.xaa4j.bridge.cli;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.JwtBearerScope;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.internal.discovery.Urls;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xaa server add|remove|list}: the named MCP servers of the per-user config. */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Manage the named MCP servers.",
        subcommands = {ServerCommand.Add.class, ServerCommand.Remove.class, ServerCommand.ListServers.class})
final class ServerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "add, remove or list?");
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add (or update) an MCP server by URL.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Parameters(index = "1", paramLabel = "URL", description = "its Streamable HTTP endpoint") String url;
        @Option(names = "--pinned-as-issuer", paramLabel = "URL", description = "accept only this authorization server")
        String pinnedAsIssuer;
        @Option(names = "--scope", paramLabel = "SCOPE", description = "a scope to request (repeatable)")
        List<String> scopes = new ArrayList<>();
        @Option(names = {"--client-id", "--as-client-id"}, paramLabel = "ID", description = "our client id at its "
                + "authorization server (for --auth oauth: a pre-registered client; its secret, if any, with `xaa secret set`)")
        String asClientId;
        @Option(names = "--auth", paramLabel = "FLOW", description = "auto (default: discovery decides), ema (enterprise: "
                + "tokens through the IdP), oauth (per-server sign-in in the browser: `xaa login NAME`), none (no token), "
                + "client-credentials (headless: --client-id and its secret or key), workload (headless: --workload-token)")
        String auth;
        @Option(names = "--workload-token", paramLabel = "SOURCE", description = "for --auth workload: where the "
                + "workload JWT comes from, file:PATH or command:COMMAND ARGS… (read for every token request, never stored)")
        String workloadToken;
        @Option(names = "--jwt-bearer-scope", paramLabel = "CHOICE", description = "EMA: the scope of the jwt-bearer "
                + "request at its authorization server: inherit (default: the scope the IdP granted), send (the scopes "
                + "asked for; e.g. Keycloak), omit (none; e.g. authorization servers rejecting it)")
        String jwtBearerScope;
        @Option(names = "--jwt-bearer-resource", paramLabel = "CHOICE", description = "EMA: whether the jwt-bearer "
                + "request at its authorization server carries resource (the server's URL): send (default), omit (for "
                + "an authorization server that fails the request with it, e.g. Keycloak with resource-indicators)")
        String jwtBearerResource;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Urls.endpointProblem(url).ifPresent(problem -> {
                throw new IllegalArgumentException("URL " + problem + ": give the server's Streamable HTTP "
                        + "endpoint, e.g. `xaa server add " + name + " https://mcp.example.com/mcp`");
            });
            if (pinnedAsIssuer != null) {
                Urls.issuerProblem(pinnedAsIssuer).ifPresent(problem -> {
                    throw new IllegalArgumentException("--pinned-as-issuer " + problem
                            + ": give the authorization server's issuer, e.g. https://as.example.com");
                });
            }
            AuthMode mode;
            try {
                mode = auth == null ? AuthMode.AUTO : AuthMode.of(auth);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--auth: " + e.getMessage());
            }
            HeadlessOptions.check(spec, name, mode, asClientId, workloadToken);
            JwtBearerScope bearerScope;
            try {
                bearerScope = jwtBearerScope == null ? JwtBearerScope.INHERIT : JwtBearerScope.of(jwtBearerScope);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--jwt-bearer-scope: " + e.getMessage());
            }
            ServerEntry entry = new ServerEntry(url, pinnedAsIssuer, scopes, asClientId).withAuth(mode)
                    .withWorkloadToken(workloadToken).withJwtBearerScope(bearerScope);
            if (jwtBearerResource != null) {
                try {
                    entry = entry.withJwtBearerResource(ServerEntry.sendsResource(jwtBearerResource));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--jwt-bearer-resource: " + e.getMessage());
                }
            }
            ConfigStore store = ConfigStore.forCurrentUser();
            store.putServer(name, entry);
            spec.commandLine().getOut().println("added '" + name + "' → " + url + " (" + store.file() + ")"
                    + (mode == AuthMode.OAUTH ? "; sign in to it with `xaa login " + name + "`" : "")
                    + HeadlessOptions.nextStep(name, mode));
            return XaaCommand.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a named MCP server.")
    static final class Remove implements Callable<Integer> {
        @Parameters(paramLabel = "NAME") String name;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (!ConfigStore.forCurrentUser().removeServer(name)) {
                throw new IllegalArgumentException("no server named '" + name + "' in the config file: "
                        + "`xaa server list` shows the configured ones");
            }
            spec.commandLine().getOut().println("removed '" + name + "'");
            return XaaCommand.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the named MCP servers.")
    static final class ListServers implements Callable<Integer> {
        @Option(names = "--json", description = "print JSON") boolean json;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Map<String, ServerEntry> servers = ConfigStore.forCurrentUser().load().servers();
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(ConfigStore.toJson(new LinkedHashMap<>(servers)));
            } else if (servers.isEmpty()) {
                out.println("no servers; add one with `xaa server add NAME URL`");
            } else {
                servers.forEach((n, s) -> out.println(n + "\t" + s.url() + "\tauth=" + s.authMode().word()
                        + (s.asClientId() == null ? "" : "\tclient-id=" + s.asClientId())
                        + (s.scopes().isEmpty() ? "" : "\tscopes=" + String.join(" ", s.scopes()))
                        + (s.jwtBearerScope() == null ? "" : "\tjwt-bearer-scope=" + s.jwtBearerScope())
                        + (s.jwtBearerResource() == null ? "" : "\tjwt-bearer-resource=" + s.jwtBearerResource())));
            }
            return XaaCommand.OK;
        }
    }
}
