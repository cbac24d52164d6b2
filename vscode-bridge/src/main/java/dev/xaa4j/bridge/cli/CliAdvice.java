package dev.xaa4j.bridge.cli;

import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.MissingClientSecretException;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.IdpSettings;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.connector.host.config.ConnectorFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's words for the engine's failures: the library says what happened in its own terms ("store it in the
 * keyring or provide it through a ClientCredentialsSource"); here that becomes the exact {@code xaa} command to run.
 * Only wording: the exit code stays the failure's own ({@link ExitCode#of(Throwable)}). Stateless.
 */
final class CliAdvice {

    static final String LOGIN = "run `xaa login` (or sign in with the tray app)";

    private CliAdvice() {
    }

    /** The auth method a configured IdP client uses ({@code none} when unset). */
    static String method(IdpSettings idp) {
        return idp.authMethod() == null || idp.authMethod().isBlank() ? "none" : idp.authMethod();
    }

    /** {@code `xaa idp ISSUER --client-id ID --auth-method METHOD`} for the configured IdP. */
    static String idpCommand(IdpSettings idp, String method) {
        return "`xaa idp " + idp.issuer() + " --client-id " + idp.clientId() + " --auth-method " + method + "`";
    }

    /** {@link #message(Throwable, XaaConfig, Optional)} with the per-user config (if it can be read). */
    static String message(Throwable e) {
        XaaConfig config;
        try {
            config = ConfigStore.forCurrentUser().load();
        } catch (RuntimeException unreadable) {
            return raw(e);
        }
        return message(e, config, Optional.empty());
    }

    /**
     * The failure's message with the command that fixes it, for the person at the terminal.
     *
     * @param server the server the command was about, if known (else it is looked up in {@code config})
     */
    static String message(Throwable e, XaaConfig config, Optional<String> server) {
        return advice(e, config, server).message();
    }

    /**
     * What to tell the person about a failure.
     *
     * @param message      the failure's message, with the {@code xaa} command that fixes it when one is known
     * @param namesCommand whether {@code message} names that command (else a caller may add a hint of its own)
     */
    record Advice(String message, boolean namesCommand) {
    }

    /**
     * The failure's message with the command that fixes it, chosen by the failure's type, kind and OAuth error
     * code (never by its text). A {@link BridgeException}'s message is the CLI's own and names its next step.
     */
    static Advice advice(Throwable e, XaaConfig config, Optional<String> server) {
        String m = raw(e);
        Optional<IdpSettings> idp = ConnectorFactory.idp(config);
        Optional<MissingClientSecretException> missing = missingSecret(e);
        if (missing.isPresent() && idp.isPresent()) {
            return new Advice(missingSecret(missing.get(), idp.get(), config, server), true);
        }
        Optional<ConnectorException> failure = connectorFailure(e);
        ConnectorException.Kind kind = failure.map(ConnectorException::kind).orElse(null);
        if ((kind == ConnectorException.Kind.CREDENTIAL_STORE || kind == ConnectorException.Kind.KEYRING_UNAVAILABLE)
                && config.sessionStorage() == SessionStorage.KEYRING) {
            return new Advice(BridgeException.withNoKeyringHint(m), true);
        }
        if (e instanceof BridgeException b && b.reason() == BridgeException.Reason.SIGN_IN_REQUIRED) {
            return new Advice(m, true);
        }
        if (kind == ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED) { // a plain-OAuth server without a grant
            return new Advice(BridgeException.serverSignInMessage(failure.get().server().or(() -> server).orElse("SERVER")), true);
        }
        if (e instanceof ConnectorException c && c.kind() == ConnectorException.Kind.SIGN_IN_REQUIRED) {
            return new Advice(m + (m.endsWith(".") ? " To sign in, " : ": ") + LOGIN, true);
        }
        if (failure.flatMap(ConnectorException::oauthError).filter("invalid_client"::equals).isPresent() && idp.isPresent()) {
            return new Advice(m + " — " + invalidClient(failure.get(), idp.get(), config, server), true);
        }
        return new Advice(m, false);
    }

    /** The connector failure behind {@code e} (a {@link BridgeException} carries it as its cause). */
    private static Optional<ConnectorException> connectorFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectorException c) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The missing secret behind {@code e} (the engine re-throws failures with the original as cause). */
    private static Optional<MissingClientSecretException> missingSecret(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MissingClientSecretException m) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    private static String raw(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : e.getMessage();
    }

    private static String missingSecret(MissingClientSecretException e, IdpSettings idp, XaaConfig config,
                                        Optional<String> server) {
        if (e.issuer().equals(idp.issuer()) && e.clientId().equals(idp.clientId())) {
            return "no client secret stored for the IdP client " + idp.clientId() + " at " + idp.issuer()
                    + " (auth method " + method(idp) + "): store it with `xaa secret set idp-client-secret` (reads stdin), "
                    + "or, if this client has no secret, " + idpCommand(idp, "none");
        }
        Optional<String> name = server.filter(s -> config.server(s).isPresent()).or(() -> onlyServerOf(e, idp, config));
        Optional<ServerEntry> entry = name.flatMap(config::server);
        String who = name.map(n -> "'" + n + "'").orElse("the server");
        String cmdName = name.orElse("SERVER");
        String idOrigin = entry.isPresent() && entry.get().asClientId() != null
                ? who + " is set to use AS client id " + e.clientId() + " (--as-client-id)"
                : "the AS client id fell back to the IdP's (" + idp.clientId() + ") because " + who + " has no --as-client-id";
        return "no client secret stored for the authorization server client " + e.clientId() + " at " + e.issuer()
                + " (auth method " + method(idp) + ", the IdP client's): " + idOrigin
                + ". Store its secret with `xaa secret set as-client-secret " + cmdName + "` (reads stdin), or set "
                + "another client id with `xaa server add " + cmdName + " "
                + entry.map(ServerEntry::url).orElse("URL") + " --as-client-id ID` (see `xaa server add --help`)";
    }

    /** The AS client id of configured server {@code name}: its --as-client-id, else the IdP client's. */
    private static String asClientId(XaaConfig config, String name, IdpSettings idp) {
        return config.server(name).map(ServerEntry::asClientId).orElse(idp.clientId());
    }

    /** The one configured server whose AS client is {@code e}'s, if exactly one is. */
    private static Optional<String> onlyServerOf(MissingClientSecretException e, IdpSettings idp, XaaConfig config) {
        List<String> names = config.servers().entrySet().stream()
                .filter(s -> e.clientId().equals(s.getValue().asClientId() != null ? s.getValue().asClientId() : idp.clientId()))
                .filter(s -> s.getValue().pinnedAsIssuer() == null || s.getValue().pinnedAsIssuer().equals(e.issuer()))
                .map(Map.Entry::getKey).toList();
        return names.size() == 1 ? Optional.of(names.get(0)) : Optional.empty();
    }

    /** @param e an {@code invalid_client} refusal: from a server's AS when it names the server, else from the IdP */
    private static String invalidClient(ConnectorException e, IdpSettings idp, XaaConfig config, Optional<String> server) {
        String method = method(idp);
        if (method.equals("private_key_jwt")) { // no secret to store again: the key is not (or no longer) registered
            String at = e.server().map(s -> "the AS client of '" + s + "' (" + asClientId(config, s, idp) + ") at its authorization server")
                    .orElse("the IdP client " + idp.clientId() + " at the IdP");
            return "this install signs its client assertions with its client key (private_key_jwt), which "
                    + (e.server().isPresent() ? "the authorization server" : "the IdP") + " does not accept: ask your "
                    + "administrator to register its public JWKS (`xaa key show --jwks-out jwks.json`) for " + at
                    + ", or change the method with " + idpCommand(idp, "METHOD")
                    + " (none, client_secret_basic, client_secret_post, private_key_jwt)";
        }
        if (e.server().isPresent()) {
            String cmdName = server.or(e::server).orElse("SERVER");
            return "the AS client authenticates with the IdP client's method (" + method + ")"
                    + (method.equals("none")
                    ? ", which sends no secret: " + idpCommand(idp, "client_secret_basic")
                            + ", then `xaa secret set idp-client-secret` and `xaa secret set as-client-secret " + cmdName + "` (read stdin)"
                    : ": store the AS client's secret again with `xaa secret set as-client-secret " + cmdName
                            + "` (reads stdin), or set its client id with `xaa server add " + cmdName + " URL --as-client-id ID`");
        }
        if (method.equals("none")) {
            return "the IdP client " + idp.clientId() + " is set up with auth method none (a public client, no secret sent) "
                    + "but the IdP wants client authentication: " + idpCommand(idp, "client_secret_basic")
                    + ", then `xaa secret set idp-client-secret` (reads stdin)";
        }
        return "the IdP client " + idp.clientId() + " authenticates with " + method + ": store its secret again with "
                + "`xaa secret set idp-client-secret` (reads stdin), or change the method with "
                + idpCommand(idp, "METHOD") + " (none, client_secret_basic, client_secret_post, private_key_jwt)";
    }
}
