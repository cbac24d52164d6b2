package dev.xaa4j.sample.idp;

import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCScopeValue;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.http.Http;
import dev.xaa4j.sample.policy.Policy;
import dev.xaa4j.sample.policy.PolicyEngine;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The authorization endpoint, code flow only (OIDC Core §3.1.2, RFC 6749 §4.1, docs/protocol.md §1 step 1).
 *
 * <p>{@code GET}: the client and its redirect URI are checked first (exact match, any port for loopback,
 * RFC 8252 §7.3); until then errors are an HTML 400 page, never a redirect (RFC 6749 §4.1.2.1). After that,
 * errors go back to the client as {@code error}, {@code error_description}, {@code state} and {@code iss}
 * (RFC 9207): {@code response_type} other than {@code code} → {@code unsupported_response_type}; no
 * {@code openid} scope → {@code invalid_scope}; PKCE missing or not S256 → {@code invalid_request} (RFC 7636
 * §4.4.1, RFC 9700 §2.1.1). A valid request is kept server-side and the login form is shown; in the
 * {@link DevAutoApprove dev-only auto-approve mode} it is approved at once for the configured user instead (no
 * form, no password) and answered with the 302 below.
 *
 * <p>{@code POST}: checks the password; wrong → the form again; right → a one-time code and a 302 to the
 * redirect URI with {@code code}, {@code state} and {@code iss}.
 */
final class AuthorizeServlet extends HttpServlet {

    static final String PENDING_PARAM = "request_id";

    /** base64url without padding of 32 bytes (RFC 7636 §4.2). */
    private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

    /** The scopes this IdP issues; others in a request are ignored (OIDC Core §3.1.2.1). */
    private static final Set<String> SUPPORTED_SCOPES = Set.of("openid", "offline_access", "email", "profile");

    private final Issuer issuer;
    private final PolicyEngine policy;
    private final PendingAuthorizations pending;
    private final AuthorizationCodes codes;
    private final AuditLog audit;
    private final Clock clock;
    private final DevAutoApprove devAutoApprove;

    AuthorizeServlet(URI issuer, PolicyEngine policy, PendingAuthorizations pending, AuthorizationCodes codes,
                     AuditLog audit, Clock clock, DevAutoApprove devAutoApprove) {
        this.clock = clock;
        this.devAutoApprove = devAutoApprove;
        this.issuer = new Issuer(issuer.toString());
        this.policy = policy;
        this.pending = pending;
        this.codes = codes;
        this.audit = audit;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Map<String, List<String>> params = URLUtils.parseParameters(req.getQueryString());
        String clientId = first(params, "client_id");
        Optional<Policy.IdpClient> client = clientId == null ? Optional.empty() : policy.policy().idpClient(clientId);
        if (client.isEmpty()) {
            page(resp, 400, LoginPage.error("Unknown application",
                    "The application that sent you here is not registered with this sign-in service."));
            return;
        }
        String redirectUri = first(params, "redirect_uri");
        if (!RedirectUris.isRegistered(client.get().redirectUris(), redirectUri)) {
            page(resp, 400, LoginPage.error("Invalid redirect address",
                    "The application asked to return you to an address it has not registered ("
                            + (redirectUri == null ? "none given" : redirectUri) + "). Sign-in was stopped."));
            return;
        }
        URI redirect = URI.create(redirectUri);
        State state = Optional.ofNullable(first(params, "state")).map(State::new).orElse(null);
        AuthorizationRequest request;
        try {
            request = AuthorizationRequest.parse(params);
        } catch (ParseException e) {
            redirectError(resp, redirect,
                    e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST.setDescription(e.getMessage()) : e.getErrorObject(),
                    state);
            return;
        }
        Optional<ErrorObject> problem = problem(request);
        if (problem.isPresent()) {
            redirectError(resp, redirect, problem.get(), state);
            return;
        }
        Optional<String> autoApproved = devAutoApprove.user();
        if (autoApproved.isPresent()) {
            approve(resp, request, autoApproved.get(), "dev-only auto-approve mode (no password)");
            return;
        }
        page(resp, 200, LoginPage.form(clientId, pending.add(request), null, null));
    }

    /** What is wrong with a well-formed request from a trusted client and redirect URI, if anything. */
    private static Optional<ErrorObject> problem(AuthorizationRequest r) {
        if (!ResponseType.CODE.equals(r.getResponseType())) {
            return Optional.of(OAuth2Error.UNSUPPORTED_RESPONSE_TYPE.setDescription("only response_type=code is supported"));
        }
        if (r.getScope() == null || !r.getScope().contains(OIDCScopeValue.OPENID)) {
            return Optional.of(OAuth2Error.INVALID_SCOPE.setDescription("the openid scope is required"));
        }
        if (r.getCodeChallenge() == null) {
            return Optional.of(OAuth2Error.INVALID_REQUEST.setDescription(
                    "PKCE is required: send code_challenge with code_challenge_method=S256"));
        }
        if (!CodeChallengeMethod.S256.equals(r.getCodeChallengeMethod())) {
            return Optional.of(OAuth2Error.INVALID_REQUEST.setDescription("code_challenge_method must be S256"));
        }
        if (!S256_CHALLENGE.matcher(r.getCodeChallenge().getValue()).matches()) {
            return Optional.of(OAuth2Error.INVALID_REQUEST.setDescription(
                    "code_challenge must be the base64url SHA-256 of the code_verifier (43 characters)"));
        }
        return Optional.empty();
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String pendingId = req.getParameter(PENDING_PARAM);
        Optional<AuthorizationRequest> found = pending.find(pendingId);
        if (found.isEmpty()) {
            page(resp, 400, LoginPage.error("Sign-in expired",
                    "This sign-in request has expired or was already completed. Return to the application and start again."));
            return;
        }
        AuthorizationRequest request = found.get();
        String clientId = request.getClientID().getValue();
        String username = req.getParameter("username");
        Optional<Policy.User> known = policy.policy().user(username == null ? "" : username);
        Optional<Policy.User> user = known
                .filter(u -> Secrets.constantTimeEquals(u.password(), req.getParameter("password")));
        List<String> requested = request.getScope().toStringList();
        if (user.isEmpty()) {
            // An unknown "user name" is not recorded: people sometimes type their password into that field.
            audit.record("sign-in", known.map(Policy.User::username).orElse(null), clientId, null, null, requested,
                    List.of(), "deny", known.isPresent() ? "wrong password" : "unknown user name");
            page(resp, 200, LoginPage.form(clientId, pendingId, username,
                    "The user name or password is incorrect. Please try again."));
            return;
        }
        if (pending.complete(pendingId).isEmpty()) {
            page(resp, 400, LoginPage.error("Sign-in expired", "This sign-in request was already completed."));
            return;
        }
        approve(resp, request, user.get().username(), "password verified");
    }

    /** Signs {@code username} in for {@code request}: a one-time code, the audit entry, the 302 back. */
    private void approve(HttpServletResponse resp, AuthorizationRequest request, String username, String reason) {
        List<String> requested = request.getScope().toStringList();
        Scope granted = new Scope();
        requested.stream().filter(SUPPORTED_SCOPES::contains).forEach(granted::add);
        String code = codes.issue(new AuthorizationCodes.CodeGrant(request.getClientID(),
                request.getRedirectionURI().toString(), request.getCodeChallenge(),
                Optional.ofNullable(first(request.getCustomParameters(), "nonce")).map(Nonce::new).orElse(null),
                username, granted, clock.instant()));
        audit.record("sign-in", username, request.getClientID().getValue(), null, null, requested,
                granted.toStringList(), "allow", reason);
        URI location = new AuthorizationSuccessResponse(request.getRedirectionURI(), new AuthorizationCode(code),
                null, request.getState(), issuer, ResponseMode.QUERY).toURI();
        redirect(resp, location);
    }

    /** RFC 6749 §4.1.2.1 error response with the RFC 9207 {@code iss}. */
    private void redirectError(HttpServletResponse resp, URI redirect, ErrorObject error, State state) {
        redirect(resp, new AuthorizationErrorResponse(redirect, error, state, issuer, ResponseMode.QUERY).toURI());
    }

    private static void redirect(HttpServletResponse resp, URI location) {
        resp.setStatus(302);
        resp.setHeader("Location", location.toString());
        resp.setHeader("Cache-Control", "no-store");
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static void page(HttpServletResponse resp, int status, String html) throws IOException {
        Http.text(resp, status, "text/html", html);
    }
}
