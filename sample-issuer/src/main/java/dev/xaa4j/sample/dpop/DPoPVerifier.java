package dev.xaa4j.sample.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.dpop.verifiers.AccessTokenValidationException;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPIssuer;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProtectedResourceRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPTokenRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.InvalidDPoPProofException;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.xaa4j.sample.http.Http;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place the sample issuer checks DPoP proofs (RFC 9449), with Nimbus' verifiers: at every token endpoint
 * (IdP, EMA AS, plain AS; §4.3, §5) and at every MCP server (§7.1). A proof must be a single {@code DPoP} header
 * holding a JWS with {@code typ dpop+jwt}, {@code alg} {@link #ALGORITHMS ES256} and a public {@code jwk} it
 * verifies with; {@code htm} and {@code htu} of this request; {@code iat} at most {@link #MAX_AGE} old and at most
 * {@link #SKEW} ahead; a {@code jti} not seen before at this endpoint; at an MCP server an {@code ath} of the
 * presented access token and a key whose RFC 7638 thumbprint is the token's {@code cnf.jkt}; and the current
 * nonce where {@link DPoPModes} demands one.
 *
 * <p>Proof times are checked against the system clock (the client made the proof with its own). Thread-safe.
 */
public final class DPoPVerifier {

    /** The proof algorithms accepted and advertised ({@code dpop_signing_alg_values_supported}). */
    public static final List<String> ALGORITHMS = List.of(JWSAlgorithm.ES256.getName());
    /** How old a proof's {@code iat} may be. */
    public static final Duration MAX_AGE = Duration.ofSeconds(60);
    /** How far ahead of this server's clock a proof's {@code iat} may be. */
    public static final Duration SKEW = Duration.ofSeconds(5);
    /** The metadata parameter listing {@link #ALGORITHMS} (RFC 9449 §5.1, and for PRM §7.1 via RFC 9728). */
    public static final String METADATA_PARAMETER = "dpop_signing_alg_values_supported";

    /** {@link #ALGORITHMS} as Nimbus algorithms, for its metadata setters. */
    public static final List<JWSAlgorithm> JWS_ALGORITHMS = List.of(JWSAlgorithm.ES256);
    private static final Set<JWSAlgorithm> ALGS = Set.copyOf(JWS_ALGORITHMS);

    private final DPoPModes modes;
    private final DPoPReplayCache replay = new DPoPReplayCache(Clock.systemUTC(), MAX_AGE.plus(SKEW).plus(SKEW));
    private final Map<URI, DPoPTokenRequestVerifier> tokenEndpoints = new ConcurrentHashMap<>();
    private final DPoPProtectedResourceRequestVerifier resources;

    public DPoPVerifier(DPoPModes modes) {
        this.modes = modes;
        this.resources = new DPoPProtectedResourceRequestVerifier(ALGS, SKEW.toSeconds(), MAX_AGE.toSeconds(), replay);
    }

    /** The run-time switches this verifier obeys. */
    public DPoPModes modes() {
        return modes;
    }

    /**
     * Checks the DPoP proof of a token request, if there is one.
     *
     * @param tokenEndpoint the endpoint's URL, the proof's required {@code htu}
     * @param side          {@link DPoPModes.Side#IDP} or {@link DPoPModes.Side#AS}: whose nonce switch applies
     * @return the proof key's thumbprint (to bind the issued token with {@code cnf.jkt}), or empty when the request
     *         carries no proof and none is required
     * @throws DPoPRejected {@code invalid_dpop_proof} (a bad proof, or none where {@code requireDpop} is on) or
     *                      {@code use_dpop_nonce}
     */
    public Optional<JWKThumbprintConfirmation> atTokenEndpoint(HttpServletRequest req, URI tokenEndpoint,
                                                                DPoPModes.Side side) throws DPoPRejected {
        return atTokenEndpoint(Collections.list(req.getHeaders("DPoP")), tokenEndpoint, side);
    }

    /** As {@link #atTokenEndpoint(HttpServletRequest, URI, DPoPModes.Side)} for a request Nimbus has parsed. */
    public Optional<JWKThumbprintConfirmation> atTokenEndpoint(HTTPRequest http, URI tokenEndpoint,
                                                                DPoPModes.Side side) throws DPoPRejected {
        List<String> values = http.getHeaderValues("DPoP");
        return atTokenEndpoint(values == null ? List.of() : values, tokenEndpoint, side);
    }

    private Optional<JWKThumbprintConfirmation> atTokenEndpoint(List<String> dpopHeaders, URI tokenEndpoint,
                                                                 DPoPModes.Side side) throws DPoPRejected {
        Optional<SignedJWT> proof = proof(dpopHeaders);
        if (proof.isEmpty()) {
            if (side == DPoPModes.Side.AS && modes.requireDpop()) {
                throw DPoPRejected.invalidProof("this authorization server requires DPoP: send a DPoP proof "
                        + "(RFC 9449 section 4) with the token request");
            }
            return Optional.empty();
        }
        Set<Nonce> nonces = nonces(proof.get(), side);
        DPoPTokenRequestVerifier verifier = tokenEndpoints.computeIfAbsent(tokenEndpoint,
                uri -> new DPoPTokenRequestVerifier(ALGS, uri, SKEW.toSeconds(), MAX_AGE.toSeconds(), replay));
        try {
            return Optional.of(verifier.verify(new DPoPIssuer(tokenEndpoint.toString()), proof.get(), nonces));
        } catch (InvalidDPoPProofException e) {
            throw DPoPRejected.invalidProof(describe(e));
        } catch (JOSEException e) {
            throw DPoPRejected.invalidProof("the DPoP proof cannot be verified");
        }
    }

    /**
     * Checks the DPoP proof of an MCP request made with the DPoP-bound {@code accessToken} ({@code cnf} its
     * confirmation); {@code htu} is the request URL without query.
     *
     * @throws DPoPRejected {@code invalid_dpop_proof} (no or a bad proof), {@code invalid_token} (the proof's key
     *                      is not the token's, or {@code ath} does not match) or {@code use_dpop_nonce}
     */
    public void atResource(HttpServletRequest req, String accessToken, JWKThumbprintConfirmation cnf)
            throws DPoPRejected {
        SignedJWT proof = proof(Collections.list(req.getHeaders("DPoP"))).orElseThrow(() -> DPoPRejected.invalidProof("this access token is DPoP-bound "
                + "(cnf.jkt): send it as 'Authorization: DPoP <token>' with a DPoP proof header (RFC 9449 section 7.1)"));
        Set<Nonce> nonces = nonces(proof, DPoPModes.Side.RS);
        URI htu = URI.create(req.getRequestURL().toString());
        try {
            resources.verify(req.getMethod(), htu, new DPoPIssuer(htu.toString()), proof,
                    new DPoPAccessToken(accessToken), cnf, nonces, null);
        } catch (AccessTokenValidationException e) {
            throw DPoPRejected.invalidToken("the DPoP proof does not match this access token: " + e.getMessage());
        } catch (InvalidDPoPProofException e) {
            throw DPoPRejected.invalidProof(describe(e));
        } catch (JOSEException e) {
            throw DPoPRejected.invalidProof("the DPoP proof cannot be verified");
        }
    }

    /** The single {@code DPoP} header as a signed JWT, or empty when there is none. */
    private static Optional<SignedJWT> proof(List<String> values) throws DPoPRejected {
        if (values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw DPoPRejected.invalidProof("exactly one DPoP header is allowed (RFC 9449 section 4.3)");
        }
        try {
            return Optional.of(SignedJWT.parse(values.get(0).trim()));
        } catch (ParseException e) {
            throw DPoPRejected.invalidProof("the DPoP header is not a signed JWT");
        }
    }

    /**
     * The nonces to accept: the current one where {@code side}'s switch is on (a proof without it is answered
     * {@code use_dpop_nonce} here, before the proof's {@code jti} is spent); otherwise whatever nonce the proof
     * carries (a client may keep sending a nonce it was given earlier), or none.
     */
    private Set<Nonce> nonces(SignedJWT proof, DPoPModes.Side side) throws DPoPRejected {
        Object sent;
        try {
            sent = proof.getJWTClaimsSet().getClaim("nonce");
        } catch (ParseException e) {
            throw DPoPRejected.invalidProof("the DPoP proof's payload is not a JSON claims set");
        }
        Optional<String> required = modes.nonce(side);
        if (required.isPresent()) {
            if (!required.get().equals(sent)) {
                throw DPoPRejected.useNonce(required.get());
            }
            return Set.of(new Nonce(required.get()));
        }
        return sent instanceof String s && !s.isEmpty() ? Set.of(new Nonce(s)) : null;
    }

    private static String describe(InvalidDPoPProofException e) {
        String m = e.getMessage() == null ? "" : e.getMessage().replaceFirst("^Invalid DPoP proof: ", "");
        return "the DPoP proof is not valid" + (m.isEmpty() ? "" : ": " + m);
    }

    /**
     * Answers a token request refused for its proof (RFC 9449 §5, §8): 400 {@code {"error","error_description"}}
     * with {@code DPoP-Nonce} when a nonce is demanded.
     */
    public static void answerTokenRequest(HttpServletResponse resp, DPoPRejected e) throws IOException {
        e.nonce().ifPresent(n -> resp.setHeader("DPoP-Nonce", n));
        Http.tokenError(resp, new com.nimbusds.oauth2.sdk.ErrorObject(e.error()), printable(e.getMessage()));
    }

    /** RFC 6749 §5.2 allows only %x20-21 / %x23-5B / %x5D-7E in {@code error_description}; others become {@code '}. */
    static String printable(String description) {
        StringBuilder b = new StringBuilder(description.length());
        description.chars().forEach(c -> b.append(c >= 0x20 && c <= 0x7E && c != '"' && c != '\\' ? (char) c : '\''));
        return b.toString();
    }
}
