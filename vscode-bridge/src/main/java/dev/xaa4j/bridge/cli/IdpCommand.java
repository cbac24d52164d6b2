package dev.xaa4j.bridge.cli;

import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.IdpSettings;
import dev.xaa4j.connector.internal.discovery.Urls;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xaa idp ISSUER --client-id ID}: which enterprise IdP to sign in to. No secrets here. */
@Command(name = "idp", mixinStandardHelpOptions = true,
        description = {"Set the enterprise IdP (OIDC issuer and client id).",
                "A client secret, if any, goes to the OS keyring: `xaa secret set idp-client-secret` (reads stdin)."})
final class IdpCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ISSUER", description = "the IdP's OIDC issuer URL")
    String issuer;

    @Option(names = "--client-id", required = true, paramLabel = "ID") String clientId;

    @Option(names = "--auth-method", defaultValue = "none", paramLabel = "METHOD",
            description = "none, client_secret_basic, client_secret_post or private_key_jwt (default: ${DEFAULT-VALUE}; `xaa secret set idp-client-secret` switches none to client_secret_basic; private_key_jwt uses the key of `xaa key create`, no secret)")
    String authMethod;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!java.util.Set.of("none", "client_secret_basic", "client_secret_post", "private_key_jwt").contains(authMethod)) {
            throw new IllegalArgumentException("unknown --auth-method '" + authMethod + "'");
        }
        Urls.issuerProblem(issuer).ifPresent(problem -> {
            throw new IllegalArgumentException("ISSUER " + problem + ": give the IdP's issuer exactly as your "
                    + "administrator gave it, e.g. `xaa idp https://idp.example.com --client-id " + clientId + "`");
        });
        ConfigStore store = ConfigStore.forCurrentUser();
        store.putIdp(new IdpSettings(issuer, clientId, authMethod));
        spec.commandLine().getOut().println("IdP set to " + issuer + " (" + store.file() + ")");
        if (authMethod.equals("private_key_jwt")) { // no secret: the per-install key signs the client assertions
            java.util.Optional<String> kid;
            try {
                kid = KeyCommand.keys().publicKey().map(com.nimbusds.jose.jwk.JWK::getKeyID);
            } catch (RuntimeException noKeyring) { // the keyring is needed at sign-in anyway, which says so
                kid = java.util.Optional.empty();
            }
            spec.commandLine().getOut().println(kid
                    .map(k -> "the client authenticates with the client key (kid " + k + "); your administrator"
                            + " registers its JWKS (`xaa key show`) for client " + clientId + " at the IdP")
                    .orElse("no client secret needed: run `xaa key create` and register the printed JWKS for client "
                            + clientId + " with your IdP administrator"));
        }
        return XaaCommand.OK;
    }
}
