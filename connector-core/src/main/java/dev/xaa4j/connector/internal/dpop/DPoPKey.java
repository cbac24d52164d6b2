package dev.xaa4j.connector.internal.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.store.CredentialStore;
import java.util.Objects;
import java.util.Optional;

/**
 * This installation's DPoP key (RFC 9449 §2): one EC P-256 key pair, generated on first need and kept as a JWK
 * (private part included) in the {@link CredentialStore} row {@value #STORE_KEY} — the OS keyring, shared by every
 * process of the user, or memory for a connector that keeps its session in memory. Never written anywhere else,
 * never logged ({@link #toString()} shows the thumbprint only). Its RFC 7638 SHA-256 thumbprint is the {@code jkt}
 * that bound tokens and ID-JAGs carry ({@code cnf.jkt}, RFC 9449 §6).
 *
 * <p>A keyring that is locked or missing is the store's typed error ({@link ConnectorException.Kind#CREDENTIAL_STORE},
 * {@link ConnectorException.Kind#KEYRING_UNAVAILABLE}), as for the IdP session; there is no fallback key. Two
 * processes creating the key at the same moment may each end up with their own: each reads the row back after its
 * write, but one may read before the other writes, so nothing makes them agree. Each process then binds its tokens
 * (and ID-JAGs) to the key it uses and proves them with that key, so both work; only a token stored by one and read by
 * the other gets a proof the server refuses (401), and is renewed there. A broker's tokens are proved by the broker
 * with the broker's key. Immutable and thread-safe.
 */
public final class DPoPKey {

    /** The credential-store row holding the private JWK. */
    public static final String STORE_KEY = "dpop-key";

    private final ECKey key;

    private DPoPKey(ECKey key) {
        this.key = Objects.requireNonNull(key);
    }

    /**
     * The stored key, or a new P-256 key stored first.
     *
     * @throws ConnectorException the store's error (keyring locked or missing)
     */
    public static DPoPKey loadOrCreate(CredentialStore store) {
        Optional<DPoPKey> stored = store.read(STORE_KEY).flatMap(DPoPKey::parse);
        if (stored.isPresent()) {
            return stored.get();
        }
        ECKey created;
        try {
            created = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("this Java runtime cannot generate an EC P-256 key", e);
        }
        store.write(STORE_KEY, created.toJSONString());
        return store.read(STORE_KEY).flatMap(DPoPKey::parse).orElse(new DPoPKey(created));
    }

    /** A stored row that is not a private P-256 JWK (edited by hand, another product's) is replaced. */
    private static Optional<DPoPKey> parse(String json) {
        try {
            JWK jwk = JWK.parse(json);
            if (jwk instanceof ECKey ec && ec.isPrivate() && Curve.P_256.equals(ec.getCurve())) {
                return Optional.of(new DPoPKey(ec));
            }
        } catch (java.text.ParseException e) {
            // fall through: replaced by a new key
        }
        return Optional.empty();
    }

    /** The RFC 7638 SHA-256 thumbprint, base64url: the {@code jkt} of tokens bound to this key. */
    public String thumbprint() {
        try {
            return key.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    ECKey privateJwk() {
        return key;
    }

    @Override
    public String toString() {
        return "DPoPKey[jkt=" + thumbprint() + "]";
    }
}
