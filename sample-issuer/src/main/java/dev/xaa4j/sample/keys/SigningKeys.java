package dev.xaa4j.sample.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The RSA signing keys of one party (IdP or AS). Every key has a {@code kid}; {@link #rotate()} makes a new
 * key current while keeping the previous one published, so tokens signed just before a rotation still
 * verify and clients can exercise {@code kid}-driven JWKS refetching (docs/protocol.md §3.1).
 */
public final class SigningKeys {

    private final String prefix;
    private volatile List<RSAKey> keys; // newest first

    public SigningKeys(String prefix) {
        this.prefix = prefix;
        this.keys = List.of(generate());
    }

    /** The key new tokens are signed with. */
    public RSAKey current() {
        return keys.get(0);
    }

    public JWSAlgorithm algorithm() {
        return JWSAlgorithm.RS256;
    }

    /** The public JWK set: current key first, then at most one previous key. */
    public JWKSet publicJwks() {
        List<JWK> pub = new ArrayList<>();
        for (RSAKey k : keys) {
            pub.add(k.toPublicJWK());
        }
        return new JWKSet(pub);
    }

    /** Generates a new current key; the previous current key stays published, older ones are dropped. */
    public synchronized RSAKey rotate() {
        RSAKey fresh = generate();
        keys = List.of(fresh, keys.get(0));
        return fresh;
    }

    private RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048)
                    .keyID(prefix + "-" + UUID.randomUUID().toString().substring(0, 8))
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA signing key", e);
        }
    }
}
