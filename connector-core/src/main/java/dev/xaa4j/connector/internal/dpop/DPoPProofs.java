package dev.xaa4j.connector.internal.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.store.CredentialStore;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Makes DPoP proofs (RFC 9449 §4.2) with this installation's {@link DPoPKey} through Nimbus's
 * {@link DefaultDPoPProofFactory}: header {@code typ} {@code dpop+jwt}, {@code alg} ES256, the public {@code jwk};
 * claims {@code jti} (fresh, random), {@code htm}, {@code htu} (without query and fragment, §4.2), {@code iat},
 * {@code ath} for a resource request (§4.2: base64url SHA-256 of the access token) and {@code nonce} when given.
 * The key is read from (or created in) the credential store on the first proof, not before. Used for every token
 * request to an authorization server that {@link #advertised advertises} ES256 (docs/architecture.md "DPoP") and,
 * through {@code TokenSource.dpopProof}, for every request with a DPoP-bound token. Thread-safe.
 */
public final class DPoPProofs {

    private final Supplier<DPoPKey> key;
    private final DPoPNonces nonces;
    private volatile DefaultDPoPProofFactory factory;
    private volatile DPoPKey loaded;

    /** @param key loads the key; called until it succeeds (a locked keyring may be unlocked later) */
    public DPoPProofs(Supplier<DPoPKey> key, DPoPNonces nonces) {
        this.key = Objects.requireNonNull(key, "key");
        this.nonces = Objects.requireNonNull(nonces, "nonces");
    }

    /** Proofs with the key of {@code store} (row {@link DPoPKey#STORE_KEY}) and the process-wide nonces. */
    public static DPoPProofs of(CredentialStore store) {
        return new DPoPProofs(() -> DPoPKey.loadOrCreate(store), DPoPNonces.shared());
    }

    /**
     * Whether {@code as} lists ES256 in {@code dpop_signing_alg_values_supported} (RFC 9449 §5.1): then its token
     * requests carry a proof.
     */
    public static boolean advertised(AuthorizationServerMetadata as) {
        List<JWSAlgorithm> algs = as == null ? null : as.getDPoPJWSAlgs();
        return algs != null && algs.contains(JWSAlgorithm.ES256);
    }

    /** {@code this} when {@code as} {@link #advertised advertises} ES256, else null (send no proof). */
    public DPoPProofs ifAdvertised(AuthorizationServerMetadata as) {
        return advertised(as) ? this : null;
    }

    /** The per-origin nonces these proofs use and record. */
    public DPoPNonces nonces() {
        return nonces;
    }

    /**
     * The thumbprint ({@code jkt}) of the key.
     *
     * @throws ConnectorException the credential store's error (keyring locked or missing)
     */
    public String thumbprint() {
        return key().thumbprint();
    }

    /**
     * A fresh proof for a token request ({@code htm} POST, RFC 9449 §5), with {@code nonce} if given.
     *
     * @throws ConnectorException the credential store's error (keyring locked or missing)
     */
    public String forTokenRequest(URI tokenEndpoint, Optional<String> nonce) {
        return proof("POST", tokenEndpoint, null, nonce);
    }

    /**
     * A fresh proof for a request with the DPoP-bound {@code accessToken} (RFC 9449 §7), with {@code ath}.
     *
     * @param httpMethod the request's method, e.g. {@code POST}
     * @param httpUri    the request's URI; query and fragment are left out of {@code htu}
     * @throws ConnectorException the credential store's error (keyring locked or missing)
     */
    public String forResource(String accessToken, String httpMethod, URI httpUri, Optional<String> nonce) {
        return proof(httpMethod, httpUri, Objects.requireNonNull(accessToken, "accessToken"), nonce);
    }

    private String proof(String htm, URI htu, String accessToken, Optional<String> nonce) {
        try {
            return factory().createDPoPJWT(htm, htu(htu), accessToken == null ? null : new DPoPAccessToken(accessToken),
                    nonce.filter(n -> !n.isBlank()).map(Nonce::new).orElse(null)).serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign a DPoP proof (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * The {@code cnf.jkt} (RFC 9449 §6.1) of a readable JWT {@code token} (an ID-JAG bound by the IdP), without
     * verifying it; empty for an unbound or unreadable (JWE) token.
     */
    public static Optional<String> confirmationThumbprint(String token) {
        try {
            Object cnf = JWTParser.parse(token).getJWTClaimsSet().getClaim("cnf");
            return cnf instanceof Map<?, ?> m && m.get("jkt") instanceof String jkt ? Optional.of(jkt) : Optional.empty();
        } catch (java.text.ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** RFC 9449 §4.2: {@code htu} is the target URI without query and fragment (also what {@code xaa token} shows). */
    public static URI htu(URI uri) {
        String s = uri.toString();
        int q = s.indexOf('?');
        int f = s.indexOf('#');
        int cut = q < 0 ? f : f < 0 ? q : Math.min(q, f);
        return cut < 0 ? uri : URI.create(s.substring(0, cut));
    }

    private DPoPKey key() {
        DPoPKey k = loaded;
        if (k == null) {
            synchronized (this) {
                if (loaded == null) {
                    loaded = key.get();
                }
                k = loaded;
            }
        }
        return k;
    }

    private DefaultDPoPProofFactory factory() throws JOSEException {
        DefaultDPoPProofFactory f = factory;
        if (f == null) {
            f = new DefaultDPoPProofFactory(key().privateJwk(), JWSAlgorithm.ES256);
            factory = f;
        }
        return f;
    }
}
