package dev.xaa4j.sample.idp;

import com.nimbusds.oauth2.sdk.AbstractOptionallyIdentifiedRequest;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.verifier.InvalidClientException;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.http.ClientAuthenticator;
import dev.xaa4j.sample.http.Http;
import dev.xaa4j.sample.policy.Policy;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the IdP's token endpoint ({@link TokenServlet}) and revocation endpoint ({@link RevocationServlet}) do
 * alike: answer an unparseable request, authenticate the (always confidential) client against the policy's IdP
 * clients, and refuse a client whose authentication failed, audit-logged in {@code audit}, the endpoints' audit
 * log. Holds no state of its own; safe for concurrent requests.
 */
record TokenEndpointRequests(ClientAuthenticator authenticator, Policy policy, AuditLog audit) {

    /** Nimbus' parse method of one request type ({@code TokenRequest::parse}, {@code TokenRevocationRequest::parse}). */
    interface Parser<R> {
        R parse(HTTPRequest request) throws ParseException;
    }

    /** A parsed request and its authenticated client. */
    record Accepted<R>(R request, Policy.IdpClient client) {
    }

    /**
     * Parses {@code req} and authenticates its client; on failure answers it (the parse error, or
     * {@code invalid_client} audit-logged as {@code event} of the request) and returns empty.
     */
    <R extends AbstractOptionallyIdentifiedRequest> Optional<Accepted<R>> accept(
            HttpServletRequest req, HttpServletResponse resp, Parser<R> parser, Function<R, String> event)
            throws IOException {
        R request;
        try {
            request = parser.parse(JakartaServletUtils.createHTTPRequest(req));
        } catch (ParseException e) {
            answerUnparseable(resp, e);
            return Optional.empty();
        }
        try {
            return Optional.of(new Accepted<>(request, authenticate(request.getClientAuthentication())));
        } catch (InvalidClientException e) {
            refuseClient(resp, event.apply(request), request, e);
            return Optional.empty();
        }
    }

    /** Answers a request Nimbus could not parse: its OAuth error, else {@code invalid_request}. */
    private static void answerUnparseable(HttpServletResponse resp, ParseException e) throws IOException {
        var error = e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST : e.getErrorObject();
        Http.tokenError(resp, error, error.getDescription() == null ? e.getMessage() : error.getDescription());
    }

    /** @throws InvalidClientException no client authentication, it failed, or the client is unknown to the policy */
    private Policy.IdpClient authenticate(ClientAuthentication auth) throws InvalidClientException {
        if (auth == null) {
            throw new InvalidClientException("client authentication is required (client_secret_basic, "
                    + "client_secret_post or private_key_jwt)");
        }
        String clientId = authenticator.authenticate(auth);
        return policy.idpClient(clientId).orElseThrow(() -> new InvalidClientException("unknown client"));
    }

    /** Audit-logs the failed client authentication as {@code event} (with the client id claimed) and answers {@code invalid_client}. */
    private void refuseClient(HttpServletResponse resp, String event, AbstractOptionallyIdentifiedRequest request,
                              InvalidClientException e) throws IOException {
        ClientAuthenticator.refuse(audit, resp, event, request, e);
    }
}
