package dev.xaa4j.connector.internal.grant;

import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
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
        HTTPResponse response;
        try {
            response = NimbusHttp.sendForJson(request, timeout);
        } catch (IOException e) {
            throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, Sentences.start(party) + " could not be reached (" + e.getClass().getSimpleName()
                    + "); try again later", e);
        }
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
