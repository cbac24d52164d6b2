package dev.xaa4j.sample.dpop;

import java.util.Optional;

/**
 * A request refused for its DPoP proof (RFC 9449): the error code ({@link #INVALID_DPOP_PROOF},
 * {@link #USE_DPOP_NONCE}, or at an MCP server {@link #INVALID_TOKEN}), a description for a person (never token or
 * proof bytes), and the nonce to send back in {@code DPoP-Nonce} when one is demanded.
 */
public final class DPoPRejected extends Exception {

    /** RFC 9449 §5, §7.1: the proof is missing, malformed or does not verify. */
    public static final String INVALID_DPOP_PROOF = "invalid_dpop_proof";
    /** RFC 9449 §8, §9: the proof must carry the server's current nonce. */
    public static final String USE_DPOP_NONCE = "use_dpop_nonce";
    /** RFC 6750 §3.1 / RFC 9449 §7.1: the access token is not usable this way (bound token as Bearer, wrong key). */
    public static final String INVALID_TOKEN = "invalid_token";

    private final String error;
    private final transient Optional<String> nonce;

    DPoPRejected(String error, String description, Optional<String> nonce) {
        super(description, null, false, false);
        this.error = error;
        this.nonce = nonce;
    }

    static DPoPRejected invalidProof(String description) {
        return new DPoPRejected(INVALID_DPOP_PROOF, description, Optional.empty());
    }

    public static DPoPRejected invalidToken(String description) {
        return new DPoPRejected(INVALID_TOKEN, description, Optional.empty());
    }

    static DPoPRejected useNonce(String nonce) {
        return new DPoPRejected(USE_DPOP_NONCE, "this server requires a DPoP nonce: send a new proof with the "
                + "nonce of the DPoP-Nonce response header", Optional.of(nonce));
    }

    /** The OAuth error code. */
    public String error() {
        return error;
    }

    /** The value of the {@code DPoP-Nonce} response header, when a nonce is demanded. */
    public Optional<String> nonce() {
        return nonce;
    }

    /** {@code error: description}, for audit reasons and logs. */
    public String reason() {
        return error + ": " + getMessage();
    }
}
