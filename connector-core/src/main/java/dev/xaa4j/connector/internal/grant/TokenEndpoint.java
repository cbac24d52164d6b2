package dev.xaa4j.connector.internal.grant;

import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import dev.xaa4j.connector.internal.ProtocolNames;
import dev.xaa4j.connector.internal.dpop.DPoPNonces;
import dev.xaa4j.connector.internal.dpop.DPoPProofs;
import java.net.URI;
import dev.xaa4j.connector.internal.Sentences;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.http.NimbusHttp;
import java.io.IOException;
import java.time.Duration;
import net.minidev.json.JSONObject;

/**
 * Sends one token request and sorts the answer into success JSON, an OAuth error (RFC 6749 §5.2), or a
 * transient failure ({@link ConnectorException.Kind#UPSTREAM_UNAVAILABLE}: I/O error, timeout, 5xx, 429,
 * {@code temporarily_unavailable}, {@code server_error}, or a body that is not JSON — docs/protocol.md §5 last row).
 */
final class TokenEndpoint {

    /** Either {@code json} (HTTP 200) or {@code error}. */
    record Outcome(JSONObject json, ErrorObject error) {
        boolean ok() {
            return json != null;
        }
    }

    private TokenEndpoint() {
    }

    /** @param party a lower-case noun phrase naming the token endpoint's owner ("the IdP"), used inside sentences */
    static Outcome post(TokenRequest request, Duration timeout, String party) {
        return post(() -> request, timeout, party, null);
    }

    /**
     * As {@link #post(TokenRequest, Duration, String)}, with a DPoP proof (RFC 9449 §5: {@code htm} POST, {@code htu}
     * the token endpoint, the origin's latest nonce) when {@code dpop} is not null. An answer
     * {@code 400 use_dpop_nonce} with a {@code DPoP-Nonce} (§8) is retried exactly once with a new proof carrying that
     * nonce; a {@code DPoP-Nonce} on any answer is kept for the next request to that origin. The retry presents the
     * same grant once more (ID-JAG, refresh token, workload JWT, authorization code): the AS refused the first request
     * for the nonce alone, before redeeming the grant (§8), so this second presentation is the grant's only
     * redemption; an AS that did redeem it answers {@code invalid_grant}, sorted as usual.
     *
     * @param request builds the request; called again for the retry with the same grant (only a client assertion,
     *                whose {@code jti} is single-use, is signed anew)
     * @param dpop    the proofs, or null to send none
     */
    static Outcome post(java.util.function.Supplier<TokenRequest> request, Duration timeout, String party,
                        DPoPProofs dpop) {
        HTTPResponse response = send(request.get(), timeout, party, dpop);
        if (dpop != null && askedForNonce(response)) {
            response = send(request.get(), timeout, party, dpop);
        }
        return sort(response, party);
    }

    private static HTTPResponse send(TokenRequest request, Duration timeout, String party, DPoPProofs dpop) {
        HTTPRequest http = request.toHTTPRequest();
        http.setAccept(ProtocolNames.APPLICATION_JSON);
        URI endpoint = request.getEndpointURI();
        if (dpop != null) {
            http.setHeader("DPoP", dpop.forTokenRequest(endpoint, dpop.nonces().get(endpoint)));
        }
        HTTPResponse response;
        try {
            response = NimbusHttp.send(http, timeout);
        } catch (IOException e) {
            throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, Sentences.start(party) + " could not be reached (" + e.getClass().getSimpleName()
                    + "); try again later", e);
        }
        (dpop != null ? dpop.nonces() : DPoPNonces.shared()).record(endpoint, response.getHeaderValue(DPoPNonces.HEADER));
        return response;
    }

    /** RFC 9449 §8: {@code 400 {"error":"use_dpop_nonce"}} with a {@code DPoP-Nonce} header. */
    private static boolean askedForNonce(HTTPResponse response) {
        if (response.getStatusCode() != 400 || response.getHeaderValue(DPoPNonces.HEADER) == null) {
            return false;
        }
        try {
            return DPoPNonces.USE_DPOP_NONCE.equals(response.getBodyAsJSONObject().get("error"));
        } catch (ParseException e) {
            return false;
        }
    }

    private static Outcome sort(HTTPResponse response, String party) {
        int status = response.getStatusCode();
        if (status >= 500 || status == 429) {
            throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, Sentences.start(party) + " is unavailable (HTTP " + status + "); try again later");
        }
        JSONObject json;
        try {
            json = response.getBodyAsJSONObject();
        } catch (ParseException e) {
            throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, Sentences.start(party) + " answered HTTP " + status
                    + " without a JSON body (a proxy or captive portal?); try again later");
        }
        if (status == 200) {
            return new Outcome(json, null);
        }
        Object code = json.get("error");
        if (!(code instanceof String s) || s.isBlank()) {
            throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, Sentences.start(party) + " answered HTTP " + status + " without an OAuth error");
        }
        if (s.equals(OAuth2Error.TEMPORARILY_UNAVAILABLE_CODE) || s.equals(OAuth2Error.SERVER_ERROR_CODE)) {
            throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, Sentences.start(party)
                    + " is temporarily unavailable (" + s + "); try again later", s, null);
        }
        // RFC 6749 §5.2 allows only %x20-21 / %x23-5B / %x5D-7E in both; Nimbus's ErrorObject refuses others
        String legal = ErrorObject.removeIllegalChars(Redaction.echo(s));
        if (legal.isBlank()) {
            throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, party + " answered HTTP " + status + " with a malformed OAuth error");
        }
        Object description = json.get("error_description");
        return new Outcome(null, new ErrorObject(legal,
                description instanceof String d ? ErrorObject.removeIllegalChars(Redaction.echo(d)) : null, status));
    }

    static String describe(ErrorObject error) {
        return error.getDescription() == null ? error.getCode() : error.getCode() + ": " + error.getDescription();
    }

    static String string(JSONObject json, String name) {
        Object v = json.get(name);
        return v instanceof String s ? s : null;
    }

    /**
     * The largest {@code expires_in} believed, in seconds (ten years). A larger value (e.g. 2<sup>63</sup>-1,
     * which would overflow the expiry {@code Instant}) is treated as absent: the caller's conservative default
     * lifetime applies.
     */
    static final long MAX_EXPIRES_IN = Duration.ofDays(3650).toSeconds();

    /** {@code expires_in} (RFC 6749 §5.1) in seconds when present, positive and at most {@link #MAX_EXPIRES_IN}; else null. */
    static Long expiresIn(JSONObject json) {
        Long v = number(json, "expires_in");
        return v != null && v > 0 && v <= MAX_EXPIRES_IN ? v : null;
    }

    static Long number(JSONObject json, String name) {
        Object v = json.get(name);
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
