package dev.xaa4j.desktop;

import com.nimbusds.jose.jwk.JWK;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.store.InstallClientKey;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The "Client key" settings without FX: the per-install key for {@code private_key_jwt} that `xaa key create`
 * also makes ({@link InstallClientKey}, the same keyring entry, so the app and the command share it). Shows and
 * saves only public keys; the private key stays in the keyring. Any thread (each call reads the keyring).
 */
final class ClientKeySettings {

    /** What the settings show: the key's kid and alg, the JWKS to register (pretty JSON), or none. */
    record View(Optional<String> kid, Optional<String> alg, String jwks, String text) {
        boolean hasKey() {
            return kid.isPresent();
        }
    }

    private final InstallClientKey keys;

    ClientKeySettings(CredentialStore store) {
        this.keys = new InstallClientKey(store);
    }

    /** Over the OS keyring (service {@code xaa4j}). */
    static ClientKeySettings inKeyring() {
        return new ClientKeySettings(new KeyringCredentialStore(Connector.KEYRING_SERVICE));
    }

    View view() {
        Optional<JWK> key = keys.publicKey();
        if (key.isEmpty()) {
            return new View(Optional.empty(), Optional.empty(), "", "No client key yet. Create one if your administrator"
                    + " asked you to sign in with a key instead of a client secret (private_key_jwt).");
        }
        String alg = key.get().getAlgorithm() == null ? "?" : key.get().getAlgorithm().getName();
        return new View(Optional.of(key.get().getKeyID()), Optional.of(alg), keys.jwksJson(), "Client key " + alg
                + ", kid " + key.get().getKeyID() + ". Give the public key set below to your administrator, who"
                + " registers it for your client at the company sign-in (IdP). The private key stays in your system keyring.");
    }

    /** Creates the key when there is none; an existing key is kept (rotation is `xaa key create --rotate`). */
    View create() {
        if (keys.publicKey().isEmpty()) {
            keys.create(InstallClientKey.Alg.ES256, false);
        }
        return view();
    }

    /** Writes the public JWKS to {@code file}. @throws IllegalStateException when there is no key */
    void saveJwks(Path file) throws IOException {
        if (keys.publicKey().isEmpty()) {
            throw new IllegalStateException("there is no client key to save: create one first");
        }
        Files.writeString(file, keys.jwksJson() + System.lineSeparator());
    }
}
