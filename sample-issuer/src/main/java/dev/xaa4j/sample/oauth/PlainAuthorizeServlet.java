package dev.xaa4j.sample.oauth;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.auth.verifier.InvalidClientException;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.util.MultivaluedMapUtils;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.http.Http;
import dev.xaa4j.sample.idp.AuthorizationCodes;
import dev.xaa4j.sample.idp.DevAutoApprove;
import dev.xaa4j.sample.idp.LoginPage;
import dev.xaa4j.sample.idp.PendingAuthorizations;
import dev.xaa4j.sample.idp.RedirectUris;
import dev.xaa4j.sample.idp.Secrets;
import dev.xaa4j.sample.policy.Policy;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The plain AS's authorization endpoint (RFC 6749 §4.1, RFC 7636, RFC 8707, RFC 9207; MCP authorization).
 *
 * <p>{@code GET}: the client (pre-registered, registered or a metadata document URL) and its redirect URI (exact,
 * any port on loopback, RFC 8252 §7.3) are checked first; until then errors are an HTML 400 page. Then, as
 * redirects with {@code error}, {@code state} and {@code iss}: only {@code response_type=code}; PKCE with S256
 * required ({@code invalid_request}); exactly one {@code resource} naming an MCP server of this AS
 * ({@code invalid_target}, RFC 8707 §2). A valid request shows the IdP's login form (posting back here), or is
 * approved at once in the dev-only auto-approve mode.
 *
 * <p>Approval grants the requested scopes the policy allows the user on that server (all allowed ones when none
 * was requested; {@code offline_access} passes through); none left → {@code access_denied}. The redirect carries
 * {@code code}, {@code state} and {@code iss} — unless an {@link OAuthFaults iss fault} is on.
 */
final class PlainAuthorizeServlet extends HttpServlet {

    private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final String issuer;
    private final String formAction;
    private final OAuthClients clients;
    private final Map<URI, Policy.Resource> resources;
    private final Policy policy;
    private final PendingAuthorizations pending;
    private final AuthorizationCodes codes;
    private final DevAutoApprove devAutoApprove;
    private final OAuthFaults faults;
    private final AuditLog audit;
    private final Clock clock;

    PlainAuthorizeServlet(URI issuer, OAuthClients clients, Map<URI, Policy.Resource> resources, Policy policy,
                          AuthorizationCodes codes, DevAutoApprove devAutoApprove, OAuthFaults faults, AuditLog audit,
                          Clock clock) {
        this.issuer = issuer.toString();
        this.formAction = issuer.getRawPath() + PlainAuthorizationServer.AUTHORIZE;
        this.clients = clients;
        this.resources = resources;
        this.policy = policy;
        this.pending = new PendingAuthorizations(clock);
        this.codes = codes;
        this.devAutoApprove = devAutoApprove;
        this.faults = faults;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Map<String, List<String>> params = URLUtils.parseParameters(req.getQueryString());
        String clientId = MultivaluedMapUtils.getFirstValue(params, "client_id");
        RegisteredClient client;
        try {
            client = clients.find(clientId);
        } catch (InvalidClientException e) {
            page(resp, LoginPage.error("Unknown application", "The application that sent you here is not registered "
                    + "with this sign-in service (" + e.getMessage() + ")."));
            return;
        }
        String redirectUri = MultivaluedMapUtils.getFirstValue(params, "redirect_uri");
        if (!RedirectUris.isRegistered(client.redirectUris(), redirectUri)) {
            page(resp, LoginPage.error("Invalid redirect address", "The application asked to return you to an "
                    + "address it has not registered (" + (redirectUri == null ? "none given" : redirectUri)
                    + "). Sign-in was stopped."));
            return;
        }
        URI redirect = URI.create(redirectUri);
        State state = Optional.ofNullable(MultivaluedMapUtils.getFirstValue(params, "state")).map(State::new).orElse(null);
        AuthorizationRequest request;
        try {
            request = AuthorizationRequest.parse(params);
        } catch (ParseException e) {
            redirect(resp, new AuthorizationErrorResponse(redirect, e.getErrorObject() == null
                    ? OAuth2Error.INVALID_REQUEST.setDescription(e.getMessage()) : e.getErrorObject(), state,
                    responseIssuer(), ResponseMode.QUERY).toURI());
            return;
        }
        Optional<ErrorObject> problem = problem(request, client);
        if (problem.isPresent()) {
            audit.record("oauth-sign-in", null, client.clientId(), null, null, null, null, "deny",
                    problem.get().getDescription());
            redirect(resp, new AuthorizationErrorResponse(redirect, problem.get(), state, responseIssuer(),
                    ResponseMode.QUERY).toURI());
            return;
        }
        Optional<String> autoApproved = devAutoApprove.user();
        if (autoApproved.isPresent()) {
            approve(resp, request, autoApproved.get(), "dev-only auto-approve mode (no password)");
            return;
        }
        Http.text(resp, 200, "text/html", LoginPage.form(formAction, client.clientId(), pending.add(request), null, null));
    }

    private Optional<ErrorObject> problem(AuthorizationRequest r, RegisteredClient client) {
        if (!ResponseType.CODE.equals(r.getResponseType()) || !client.mayUse("authorization_code")) {
            return Optional.of(OAuth2Error.UNSUPPORTED_RESPONSE_TYPE.setDescription("only response_type=code is supported"));
        }
        if (r.getCodeChallenge() == null || !CodeChallengeMethod.S256.equals(r.getCodeChallengeMethod())
                || !S256_CHALLENGE.matcher(r.getCodeChallenge().getValue()).matches()) {
            return Optional.of(OAuth2Error.INVALID_REQUEST.setDescription(
                    "PKCE is required: code_challenge (43 characters) with code_challenge_method=S256"));
        }
        List<URI> requested = r.getResources() == null ? List.of() : r.getResources();
        if (requested.size() != 1 || !resources.containsKey(requested.get(0))) {
            return Optional.of(OAuth2Error.INVALID_TARGET.setDescription("resource must name exactly one MCP server "
                    + "of this authorization server: " + resources.keySet()));
        }
        return Optional.empty();
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String pendingId = req.getParameter("request_id");
        Optional<AuthorizationRequest> found = pending.find(pendingId);
        if (found.isEmpty()) {
            page(resp, LoginPage.error("Sign-in expired", "This sign-in request has expired or was already "
                    + "completed. Return to the application and start again."));
            return;
        }
        String clientId = found.get().getClientID().getValue();
        String username = req.getParameter("username");
        Optional<Policy.User> known = policy.user(username == null ? "" : username);
        if (known.filter(u -> Secrets.constantTimeEquals(u.password(), req.getParameter("password"))).isEmpty()) {
            audit.record("oauth-sign-in", known.map(Policy.User::username).orElse(null), clientId, null, null, null,
                    null, "deny", known.isPresent() ? "wrong password" : "unknown user name");
            Http.text(resp, 200, "text/html", LoginPage.form(formAction, clientId, pendingId, username,
                    "The user name or password is incorrect. Please try again."));
            return;
        }
        if (pending.complete(pendingId).isEmpty()) {
            page(resp, LoginPage.error("Sign-in expired", "This sign-in request was already completed."));
            return;
        }
        approve(resp, found.get(), known.get().username(), "password verified");
    }

    /** Grants what the policy allows {@code username} of the request, issues the code, redirects back. */
    private void approve(HttpServletResponse resp, AuthorizationRequest request, String username, String reason) {
        URI resource = request.getResources().get(0);
        Policy.Resource server = resources.get(resource);
        List<String> allowed = policy.plainOAuth().allowedScopes(username, server.name());
        List<String> requested = request.getScope() == null ? List.of() : request.getScope().toStringList();
        Scope granted = new Scope();
        (requested.isEmpty() ? allowed : requested).stream().filter(allowed::contains).forEach(granted::add);
        String clientId = request.getClientID().getValue();
        if (granted.isEmpty()) {
            audit.record("oauth-sign-in", username, clientId, null, resource.toString(), requested, List.of(), "deny",
                    "the policy grants " + username + " no scope of " + server.name());
            redirect(resp, new AuthorizationErrorResponse(request.getRedirectionURI(), OAuth2Error.ACCESS_DENIED
                    .setDescription(username + " may not use " + server.name()), request.getState(), responseIssuer(),
                    ResponseMode.QUERY).toURI());
            return;
        }
        if (requested.contains("offline_access")) {
            granted.add("offline_access");
        }
        String code = codes.issue(new AuthorizationCodes.CodeGrant(request.getClientID(),
                request.getRedirectionURI().toString(), request.getCodeChallenge(), null, username, granted,
                clock.instant(), resource));
        audit.record("oauth-sign-in", username, clientId, null, resource.toString(), requested,
                granted.toStringList(), "allow", reason);
        redirect(resp, new AuthorizationSuccessResponse(request.getRedirectionURI(), new AuthorizationCode(code),
                null, request.getState(), responseIssuer(), ResponseMode.QUERY).toURI());
    }

    /** The RFC 9207 {@code iss} of an authorization response, as the current {@link OAuthFaults fault} has it. */
    private Issuer responseIssuer() {
        OAuthFaults.Fault f = faults.current();
        String iss = switch (f) {
            case ISS_MISSING -> null;
            case ISS_WRONG -> "https://evil.example.com";
            case ISS_TRAILING_SLASH -> issuer + "/";
            default -> issuer;
        };
        if (!issuer.equals(iss)) {
            faults.served(f, null, "authorization response iss " + (iss == null ? "left out" : "= " + iss));
        }
        return iss == null ? null : new Issuer(iss);
    }

    private static void redirect(HttpServletResponse resp, URI location) {
        resp.setStatus(302);
        resp.setHeader("Location", location.toString());
        resp.setHeader("Cache-Control", "no-store");
    }

    private static void page(HttpServletResponse resp, String html) throws IOException {
        Http.text(resp, 400, "text/html", html);
    }
}
