package dev.xaa4j.connector.internal.store;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.xaa4j.connector.ConnectorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The per-install client key for {@code private_key_jwt} (RFC 7523 §2.2, docs/protocol.md §7): one private JWK in
 * the {@link CredentialStore} (the OS keyring) under {@link #ENTRY}, used by {@link KeyringClientCredentials} for
 * every {@code private_key_jwt} client that has no key of its own. Its {@code kid} is its RFC 7638 thumbprint.
 *
 * <p>Rotation keeps one step of history: {@link #create} with {@code rotate} moves the old key's <em>public</em>
 * JWK to {@link #RETIRED_ENTRY} (the private part is gone at once) so that {@link #jwks()} lists both until the
 * administrator has registered the new one and {@link #dropRetired()} is called. The private key never leaves this
 * class except through {@link KeyringClientCredentials}; everything returned here is public. Thread-safe as the
 * store is; concurrent {@link #create} calls from two processes are not serialised (last write wins).
 */
public final class InstallClientKey {

    /** The keyring entry (service {@code xaa4j}) of the private JWK. */
    public static final String ENTRY = "client-key|install";
    /** The keyring entry of the previous key's public JWK after a rotation. */
    public static final String RETIRED_ENTRY = "client-key-retired|install";

    /** The signature algorithms a key can be made for: ES256 (EC P-256, the default) or RS256 (RSA 2048). */
    public enum Alg {
        ES256, RS256;

        /** {@code name} case-insensitively. @throws IllegalArgumentException naming the choices */
        public static Alg of(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("unknown key algorithm '" + name + "': use ES256 (default) or RS256");
            }
        }
    }

    /** There is a key already and rotation was not asked for. */
    public static final class KeyExistsException extends IllegalArgumentException {
        KeyExistsException(String kid) {
            super("a client key exists already (kid " + kid + "); `xaa key create --rotate` replaces it (the old"
                    + " public key stays in the printed JWKS until `xaa key delete --retired`)");
        }
    }

    private final CredentialStore store;

    public InstallClientKey(CredentialStore store) {
        this.store = store;
    }

    /** The current key's public JWK, if there is a key. @throws ConnectorException CONFIGURATION if unreadable */
    public Optional<JWK> publicKey() {
        return store.read(ENTRY).map(json -> parse(json, "the client key").toPublicJWK());
    }

    /** The retired key's public JWK, if a rotation left one. */
    public Optional<JWK> retiredKey() {
        return store.read(RETIRED_ENTRY).map(json -> parse(json, "the retired client key").toPublicJWK());
    }

    /** The public keys to register: the current one first, then the retired one if any ({@code {"keys":[…]}}). */
    public JWKSet jwks() {
        List<JWK> keys = new ArrayList<>();
        publicKey().ifPresent(keys::add);
        retiredKey().ifPresent(keys::add);
        return new JWKSet(keys);
    }

    /** {@link #jwks()} as the pretty-printed JSON document people register and save (public keys only). */
    public String jwksJson() {
        try {
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(jwks().toString(true)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the JWKS is not JSON", e);
        }
    }

    /**
     * Generates and stores a new key; returns its public JWK.
     *
     * @param rotate replace an existing key (its public JWK becomes the retired one)
     * @throws KeyExistsException when a key exists and {@code rotate} is false
     */
    public JWK create(Alg alg, boolean rotate) {
        Optional<JWK> old = store.read(ENTRY).map(json -> parse(json, "the client key"));
        if (old.isPresent() && !rotate) {
            throw new KeyExistsException(old.get().getKeyID());
        }
        JWK key = generate(alg);
        old.ifPresent(o -> store.write(RETIRED_ENTRY, o.toPublicJWK().toJSONString()));
        store.write(ENTRY, key.toJSONString());
        return key.toPublicJWK();
    }

    /** Forgets the retired public key (after the administrator registered the new one). */
    public void dropRetired() {
        store.delete(RETIRED_ENTRY);
    }

    /** Deletes the key and any retired one; returns whether there was a key. */
    public boolean delete() {
        boolean had = store.read(ENTRY).isPresent();
        store.delete(ENTRY);
        store.delete(RETIRED_ENTRY);
        return had;
    }

    private static JWK generate(Alg alg) {
        try {
            return switch (alg) {
                case ES256 -> new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                        .keyIDFromThumbprint(true).generate();
                case RS256 -> new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                        .keyIDFromThumbprint(true).generate();
            };
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate a " + alg + " key: " + e.getMessage(), e);
        }
    }

    private static JWK parse(String json, String what) {
        try {
            return JWK.parse(json);
        } catch (java.text.ParseException e) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The keyring holds " + what
                    + " in a form that is not a JWK; `xaa key delete` and `xaa key create` make a new one");
        }
    }
}
