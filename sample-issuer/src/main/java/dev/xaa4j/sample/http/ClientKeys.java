package dev.xaa4j.sample.http;

import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Public keys registered for {@code private_key_jwt} clients after start (RFC 7523 §2.2): by {@code --client-jwks
 * CLIENT_ID=PATH} or {@code POST /admin/clients/{id}/jwks}, e.g. the JWK that {@code xaa key create} printed. A
 * registration replaces the keys the policy file gave that client (a secret the policy gave stays usable). Shared
 * by the IdP and the MCP AS: each consults it for its own client ids. Thread-safe.
 */
public final class ClientKeys {

    private final Map<String, Map<String, Object>> byClient = new ConcurrentHashMap<>();

    /**
     * Parses {@code json}, a JWK Set ({@code {"keys":[…]}}) or one JWK, keeping public asymmetric keys only.
     *
     * @throws IllegalArgumentException not JSON, no key, a symmetric key, or a private key (whose holder should
     *                                  register only its public half)
     */
    public static JWKSet parsePublic(String json) {
        JWKSet set;
        try {
            set = json.contains("\"keys\"") ? JWKSet.parse(json) : new JWKSet(JWK.parse(json));
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JWK or JWK Set (RFC 7517): " + e.getMessage());
        }
        if (set.getKeys().isEmpty()) {
            throw new IllegalArgumentException("the JWK Set has no key");
        }
        for (JWK k : set.getKeys()) {
            if (k.isPrivate()) {
                throw new IllegalArgumentException("that is a private key; register only its public part "
                        + "(xaa key create prints it) and keep the private key where it is");
            }
            if (!(k instanceof AsymmetricJWK)) {
                throw new IllegalArgumentException("only EC, RSA or OKP public keys can verify client assertions, "
                        + "got kty " + k.getKeyType());
            }
        }
        return set;
    }

    /** Reads {@link #parsePublic(String) public keys} from {@code file}; errors name the file. */
    public static JWKSet readPublic(Path file) {
        try {
            return parsePublic(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the JWKS file " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("JWKS file " + file + ": " + e.getMessage());
        }
    }

    /** Registers {@code keys} for {@code clientId}, replacing earlier ones. */
    public void register(String clientId, JWKSet keys) {
        byClient.put(clientId, keys.toJSONObject(true));
    }

    /** The keys registered for {@code clientId} at run time, as a JWK Set JSON object. */
    public Optional<Map<String, Object>> of(String clientId) {
        return Optional.ofNullable(byClient.get(clientId));
    }

    /** The {@code kid}s registered for {@code clientId} (for answers and audit lines; never key material). */
    public List<String> keyIds(String clientId) {
        return of(clientId).map(m -> {
            try {
                return JWKSet.parse(m).getKeys().stream().map(k -> String.valueOf(k.getKeyID())).toList();
            } catch (ParseException e) {
                return List.<String>of();
            }
        }).orElse(List.of());
    }

    /** {@code r} with the keys registered for its client at run time, if any. */
    public ClientAuthenticator.Registration applyTo(ClientAuthenticator.Registration r) {
        return r == null ? null
                : of(r.clientId()).map(jwks -> new ClientAuthenticator.Registration(r.clientId(), r.secret(), jwks))
                        .orElse(r);
    }
}
