package dev.xaa4j.bridge.cli;

import dev.xaa4j.connector.host.config.ConnectorFactory;
import dev.xaa4j.bridge.session.MemorySecrets;
import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.IdpSettings;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code xaa secret set NAME [SERVER]}: a client secret from stdin into the OS keyring (never from the command
 * line). Refused when the session lives only in a memory agent, which takes secrets at its start instead.
 */
@Command(name = "secret", mixinStandardHelpOptions = true,
        description = {"Store a client secret in the OS keyring, read from stdin (never from the command line).",
                "  xaa secret set idp-client-secret          the IdP client's secret",
                "  xaa secret set as-client-secret SERVER    the secret at SERVER's authorization server (pinned or discovered)",
                "With the session in memory (`xaa agent --memory`) secrets go to the agent at its start instead: "
                        + "XAA_IDP_CLIENT_SECRET / XAA_AS_CLIENT_SECRET_<SERVER> in its environment, or --secrets-fd."})
final class SecretCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "set") String verb;
    @Parameters(index = "1", paramLabel = "NAME", description = "idp-client-secret or as-client-secret") String name;
    @Parameters(index = "2", arity = "0..1", paramLabel = "SERVER") String server;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!"set".equals(verb)) {
            throw new IllegalArgumentException("only `xaa secret set NAME` exists");
        }
        XaaConfig config = ConfigStore.forCurrentUser().load();
        Optional<IdpSettings> configuredIdp = ConnectorFactory.idp(config);
        boolean memory = config.sessionStorage() == SessionStorage.MEMORY
                || SessionCommands.broker().map(b -> { try (b) { return SessionOwner.inMemory(b); } }).orElse(false);
        if (memory) {
            throw SessionOwner.noKeyringSecrets(name, Optional.ofNullable(server).filter(s -> MemorySecrets.AS_LINE_NAME.equals(name)));
        }
        String key;
        if ("idp-client-secret".equals(name)) {
            IdpSettings idp = configuredIdp.orElseThrow(SessionCommands::notSetUp);
            key = ClientCredentialsSource.secretKey(idp.issuer(), idp.clientId());
        } else if ("as-client-secret".equals(name) && server != null) {
            SessionCommands.requireServer(config, server);
            var oauthEntry = config.server(server).filter(e -> e.authMode() == AuthMode.OAUTH
                    || e.authMode() == AuthMode.CLIENT_CREDENTIALS || configuredIdp.isEmpty());
            if (oauthEntry.isPresent()) {
                // a plain-OAuth server: the secret of its pre-registered client (--client-id), sent with the method
                // its authorization server advertises (client_secret_basic, else client_secret_post)
                if (oauthEntry.get().asClientId() == null) {
                    throw new IllegalArgumentException("'" + server + "' has no pre-registered client id, so there is "
                            + "no secret to store (xaa registers a client itself): if your administrator gave you a "
                            + "client id and secret, `xaa server add " + server + " " + oauthEntry.get().url()
                            + " --auth oauth --client-id ID` first");
                }
                key = ClientCredentialsSource.secretKey(ConnectorFactory.asIssuer(oauthEntry.get()),
                        oauthEntry.get().asClientId());
                return store(key);
            }
            IdpSettings idp = configuredIdp.orElseThrow(SessionCommands::notSetUp);
            if (CliAdvice.method(idp).equals("none")) {
                // The AS client uses the IdP client's method: with none, a stored AS secret would never be sent.
                throw new IllegalArgumentException("the authorization server client authenticates with the IdP "
                        + "client's method, which is none (no secret is ever sent): first "
                        + CliAdvice.idpCommand(idp, "client_secret_basic") + " and `xaa secret set idp-client-secret`, "
                        + "then `xaa secret set as-client-secret " + server + "` again");
            }
            var entry = config.server(server).orElseThrow(() -> new IllegalArgumentException(
                    "as-client-secret is for a configured server name, not a URL: `xaa server add NAME " + server + "` first"));
            key = ClientCredentialsSource.secretKey(ConnectorFactory.asIssuer(entry),
                    ConnectorFactory.asClientId(entry, idp.clientId()));
        } else {
            throw new IllegalArgumentException("NAME is idp-client-secret or as-client-secret SERVER");
        }
        store(key);
        PrintWriter out = spec.commandLine().getOut();
        IdpSettings idp = configuredIdp.orElseThrow(SessionCommands::notSetUp);
        if ("idp-client-secret".equals(name) && CliAdvice.method(idp).equals("none")) {
            // A public client never sends a secret: storing one means the client is confidential.
            if (System.getenv("XAA_IDP_ISSUER") != null) {
                out.println("note: the IdP client authenticates with none (from XAA_IDP_AUTH_METHOD), so this "
                        + "secret is not used until XAA_IDP_AUTH_METHOD=client_secret_basic (or client_secret_post)");
            } else {
                ConfigStore.forCurrentUser().putIdp(new IdpSettings(idp.issuer(), idp.clientId(), "client_secret_basic"));
                out.println("the IdP client " + idp.clientId() + " now authenticates with client_secret_basic "
                        + "(it was none, which never sends a secret); " + CliAdvice.idpCommand(idp, "client_secret_post")
                        + " if your IdP wants the secret in the request body instead");
            }
        }
        return XaaCommand.OK;
    }

    /** Reads one line from stdin into the keyring under {@code key}. */
    private int store(String key) throws IOException {
        String secret = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("no secret on stdin");
        }
        new KeyringCredentialStore(SessionCommands.KEYRING_SERVICE).write(key, secret.strip());
        spec.commandLine().getOut().println("stored " + name + " in the OS keyring");
        return XaaCommand.OK;
    }
}
