package dev.xaa4j.bridge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.xaa4j.connector.internal.store.InstallClientKey;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xaa key create|show|delete}: the per-install key pair for {@code private_key_jwt} (RFC 7523 §2.2,
 * docs/protocol.md §7). The private JWK lives only in the OS keyring ({@link InstallClientKey#ENTRY}); these
 * commands print only public keys: the public JWK and a JWKS document for the administrator to register for the
 * client at the IdP and/or the authorization server.
 */
@Command(name = "key", mixinStandardHelpOptions = true,
        description = {"The per-install client key for private_key_jwt: no client secret on this machine.",
                "  xaa key create [--alg ES256|RS256]   make the key pair; the private key stays in the OS keyring",
                "  xaa key show                         print the public JWK and JWKS again",
                "  xaa key delete [--retired]           delete the key (or only the public key kept after a rotation)",
                "Then your administrator registers the printed JWKS for your client at the IdP (and the AS), and "
                        + "`xaa idp ISSUER --client-id ID --auth-method private_key_jwt`."},
        subcommands = {KeyCommand.Create.class, KeyCommand.Show.class, KeyCommand.Delete.class})
final class KeyCommand implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "create, show or delete?");
    }

    static InstallClientKey keys() {
        return new InstallClientKey(new KeyringCredentialStore(SessionCommands.KEYRING_SERVICE));
    }

    /**
     * {@code xaa key create} without an OS keyring: the generic advice ({@code xaa agent --memory} with client secrets
     * in its environment) has no place for a key, so say that the key needs the keyring and what to use instead.
     */
    static dev.xaa4j.connector.ConnectorException withoutKeyring(dev.xaa4j.connector.ConnectorException e) {
        if (e.kind() != dev.xaa4j.connector.ConnectorException.Kind.KEYRING_UNAVAILABLE) {
            return e;
        }
        return new dev.xaa4j.connector.ConnectorException(dev.xaa4j.connector.ConnectorException.Kind.CONFIGURATION,
                "the client key cannot be created: its private key is kept only in the OS keyring, and there is none here ("
                        + e.getMessage().replaceAll("\\.$", "") + "). Run `xaa key create` where a Secret Service runs"
                        + " (a desktop session), or, on a"
                        + " machine without any keyring, ask your administrator for a client secret instead and give it to"
                        + " `xaa agent --memory` in its environment (XAA_IDP_CLIENT_SECRET; vscode-bridge/README.md, \"No OS"
                        + " keyring\")", e);
    }

    /** Output options shared by create and show. */
    static final class Output {
        @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", description = "text (default) or json")
        String format;
        @Option(names = "--jwks-out", paramLabel = "FILE", description = "also write the public JWKS to FILE")
        Path jwksOut;

        /** Refuses an unknown --format: called before the command changes anything (a rotation, say). */
        void check() {
            if (!format.equals("text") && !format.equals("json")) {
                throw new IllegalArgumentException("--format is text or json, not '" + format + "'");
            }
        }

        void print(PrintWriter out, String headline, JWK current, InstallClientKey keys) throws IOException {
            check();
            JWKSet jwks = keys.jwks(); // public keys only
            Optional<JWK> retired = keys.retiredKey();
            String jwksText = keys.jwksJson();
            if (jwksOut != null) {
                Files.writeString(jwksOut, jwksText + System.lineSeparator());
            }
            if (format.equals("json")) {
                ObjectNode o = JSON.createObjectNode();
                o.put("kid", current.getKeyID());
                o.put("alg", current.getAlgorithm() == null ? null : current.getAlgorithm().getName());
                o.set("publicJwk", JSON.readTree(current.toPublicJWK().toJSONString()));
                o.set("jwks", JSON.readTree(jwks.toString(true)));
                retired.ifPresent(r -> o.put("retiredKid", r.getKeyID()));
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o));
                return;
            }
            out.println(headline);
            out.println("public JWK:");
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(current.toPublicJWK().toJSONString())));
            out.println("JWKS to register for your client at the IdP (and the authorization server):");
            out.println(jwksText);
            retired.ifPresent(r -> out.println("the JWKS still lists the previous key (kid " + r.getKeyID() + ") so that"
                    + " sign-ins keep working until the new one is registered; then `xaa key delete --retired`"));
            if (jwksOut != null) {
                out.println("wrote the JWKS to " + jwksOut);
            }
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Generate the key pair (the private key goes to the OS keyring only) and print its public JWK and JWKS.")
    static final class Create implements Callable<Integer> {
        @Option(names = "--alg", defaultValue = "ES256", paramLabel = "ALG", description = "ES256 (EC P-256, default) or RS256 (RSA 2048)")
        String alg;
        @Option(names = "--rotate", description = "replace an existing key; its public key stays in the JWKS until `xaa key delete --retired`")
        boolean rotate;
        @CommandLine.Mixin Output output = new Output();
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            output.check();
            InstallClientKey keys = keys();
            JWK created;
            try {
                created = keys.create(InstallClientKey.Alg.of(alg), rotate);
            } catch (dev.xaa4j.connector.ConnectorException e) {
                throw withoutKeyring(e);
            }
            output.print(spec.commandLine().getOut(), (rotate ? "rotated" : "created") + " the client key "
                    + created.getAlgorithm() + ", kid " + created.getKeyID() + " (the private key is in the OS keyring only)",
                    created, keys);
            if (output.format.equals("text")) {
                spec.commandLine().getOut().println("next: your administrator registers this JWKS for your client at the IdP"
                        + " (and the AS); then `xaa idp ISSUER --client-id ID --auth-method private_key_jwt` and `xaa login`");
            }
            return XaaCommand.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the public JWK and JWKS of the client key again.")
    static final class Show implements Callable<Integer> {
        @CommandLine.Mixin Output output = new Output();
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            output.check();
            InstallClientKey keys = keys();
            JWK current = keys.publicKey().orElseThrow(() -> new IllegalArgumentException(
                    "there is no client key on this machine: `xaa key create` makes one"));
            output.print(spec.commandLine().getOut(), "client key " + current.getAlgorithm() + ", kid " + current.getKeyID()
                    + " (the private key is in the OS keyring only)", current, keys);
            return XaaCommand.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete the client key from the OS keyring (clients using private_key_jwt then need a new one).")
    static final class Delete implements Callable<Integer> {
        @Option(names = "--retired", description = "delete only the public key kept after `xaa key create --rotate`")
        boolean retired;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            InstallClientKey keys = keys();
            PrintWriter out = spec.commandLine().getOut();
            if (retired) {
                keys.dropRetired();
                out.println("the previous client key is no longer listed in the JWKS");
            } else {
                out.println(keys.delete() ? "deleted the client key" : "there was no client key");
            }
            return XaaCommand.OK;
        }
    }
}
