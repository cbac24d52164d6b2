package dev.xaa4j.sample.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * A test client's DPoP key (EC P-256) and its proofs (RFC 9449 §4.2), built with Nimbus' {@link DefaultDPoPProofFactory},
 * plus hand-made broken ones for the hostile cases. In this module's test jar.
 */
public final class DPoPProofs {

    private final ECKey key;
    private final DefaultDPoPProofFactory factory;

    private DPoPProofs(ECKey key) throws JOSEException {
        this.key = key;
        this.factory = new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256);
    }

    /** A fresh key pair. */
    public static DPoPProofs newKey() {
        try {
            return new DPoPProofs(new ECKeyGenerator(Curve.P_256).generate());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key's RFC 7638 SHA-256 thumbprint, as {@code cnf.jkt} carries it. */
    public String jkt() {
        try {
            return JWKThumbprintConfirmation.of(key.toPublicJWK()).getValue().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A proof for a token request ({@code htm} POST, no {@code ath}). */
    public String forTokenRequest(URI tokenEndpoint) {
        return forTokenRequest(tokenEndpoint, null);
    }

    /** A proof for a token request carrying {@code nonce} (or none when {@code null}). */
    public String forTokenRequest(URI tokenEndpoint, String nonce) {
        try {
            return factory.createDPoPJWT("POST", tokenEndpoint, nonce == null ? null : new Nonce(nonce)).serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A proof for an MCP request with {@code accessToken} ({@code ath}), and {@code nonce} when not {@code null}. */
    public String forResource(String htm, URI htu, String accessToken, String nonce) {
        try {
            return factory.createDPoPJWT(htm, htu, new DPoPAccessToken(accessToken),
                    nonce == null ? null : new Nonce(nonce)).serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A proof with a chosen {@code jti} (to replay) and {@code iat} offset from now; {@code accessToken} may be null. */
    public String with(String jti, Duration iatOffset, String htm, URI htu, String accessToken) {
        try {
            return factory.createDPoPJWT(new JWTID(jti), htm, htu, Date.from(Instant.now().plus(iatOffset)),
                    accessToken == null ? null : new DPoPAccessToken(accessToken)).serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A proof whose header names this key but which {@code other} signed (the signature does not verify). */
    public String signedBy(DPoPProofs other, URI htu) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
                    .jwk(key.toPublicJWK()).build(), new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
                    .claim("htm", "POST").claim("htu", htu.toString()).issueTime(new Date()).build());
            jwt.sign(new ECDSASigner(other.key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
