package dev.xaa4j.sample;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the sample issuer needs to start: where it listens, whose policy it enforces and how long
 * each token it mints lives. Lifetimes are settings so tests can make tokens expire within seconds.
 *
 * @param portBase            IdP listens on {@code portBase}, AS on {@code +1}, MCP servers on {@code +2};
 *                            {@code 0} picks three free ports
 * @param policyFile          a JSON policy replacing the built-in demo policy, if present
 * @param stateDir            where the audit file and the admin token file are written
 * @param idTokenTtl          lifetime of IdP ID tokens (and the IdP access token)
 * @param refreshTokenTtl     lifetime of an IdP refresh token (each rotation starts a new lifetime)
 * @param idJagTtl            lifetime of an ID-JAG (docs/protocol.md §2: short, 300 s by default)
 * @param accessTokenTtl      lifetime of an MCP access token issued by the AS
 * @param authorizationCodeTtl lifetime of an authorization code (short, one-time)
 * @param devAutoApproveUser  <b>dev only</b>: when present, the authorization endpoint signs this policy user in
 *                            without a login form or password (demos on this machine); empty (the default) shows
 *                            the login form. Switchable at run time through {@code POST /admin/dev-auto-approve}.
 * @param externalAuthorizationServers MCP servers (besides notes, tickets, wiki) that trust another AS's tokens
 */
public record IssuerSettings(
        int portBase,
        Optional<Path> policyFile,
        Path stateDir,
        Duration idTokenTtl,
        Duration refreshTokenTtl,
        Duration idJagTtl,
        Duration accessTokenTtl,
        Duration authorizationCodeTtl,
        Optional<String> devAutoApproveUser,
        List<ExternalAs> externalAuthorizationServers) {

    public static final int DEFAULT_PORT_BASE = 9400;

    /**
     * An MCP server {@code {mcpBase}/{server}/mcp} whose RFC 9728 metadata names {@code issuer}, an authorization
     * server outside the sample (e.g. Keycloak), and which accepts that AS's JWT access tokens (keys from its
     * metadata's {@code jwks_uri}). Its scopes are {@code {server}:read} and {@code {server}:write}; its tools the wiki's.
     *
     * @param audience       the value a token must name; empty = the server's URL (its resource identifier)
     * @param audienceClaims the claims one of which must name it: {@code aud} (default), {@code azp}, {@code resource}
     */
    public record ExternalAs(String server, URI issuer, Optional<String> audience, List<String> audienceClaims) {
        public ExternalAs {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(issuer, "issuer");
            if (!server.matches("[a-z][a-z0-9-]{0,30}")) {
                throw new IllegalArgumentException("external server name '" + server
                        + "' must be lowercase letters, digits and '-', starting with a letter");
            }
            if (issuer.getScheme() == null || issuer.getHost() == null) {
                throw new IllegalArgumentException("external issuer '" + issuer + "' must be an absolute http(s) URL");
            }
            audience = audience == null ? Optional.empty() : audience;
            audienceClaims = audienceClaims == null || audienceClaims.isEmpty() ? List.of("aud")
                    : List.copyOf(audienceClaims);
        }

        public ExternalAs(String server, URI issuer) {
            this(server, issuer, Optional.empty(), List.of("aud"));
        }
    }

    /** Settings without external authorization servers. */
    public IssuerSettings(int portBase, Optional<Path> policyFile, Path stateDir, Duration idTokenTtl,
                          Duration refreshTokenTtl, Duration idJagTtl, Duration accessTokenTtl,
                          Duration authorizationCodeTtl, Optional<String> devAutoApproveUser) {
        this(portBase, policyFile, stateDir, idTokenTtl, refreshTokenTtl, idJagTtl, accessTokenTtl,
                authorizationCodeTtl, devAutoApproveUser, List.of());
    }

    /** Settings with the login form (no dev auto-approve). */
    public IssuerSettings(int portBase, Optional<Path> policyFile, Path stateDir, Duration idTokenTtl,
                          Duration refreshTokenTtl, Duration idJagTtl, Duration accessTokenTtl,
                          Duration authorizationCodeTtl) {
        this(portBase, policyFile, stateDir, idTokenTtl, refreshTokenTtl, idJagTtl, accessTokenTtl,
                authorizationCodeTtl, Optional.empty());
    }

    public IssuerSettings {
        Objects.requireNonNull(policyFile, "policyFile");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(devAutoApproveUser, "devAutoApproveUser");
        externalAuthorizationServers = externalAuthorizationServers == null ? List.of()
                : List.copyOf(externalAuthorizationServers);
        if (portBase < 0 || portBase > 65533) {
            throw new IllegalArgumentException("port base must be 0 or a port from 1 to 65533, got " + portBase);
        }
        requirePositive(idTokenTtl, "ID token lifetime");
        requirePositive(refreshTokenTtl, "refresh token lifetime");
        requirePositive(idJagTtl, "ID-JAG lifetime");
        requirePositive(accessTokenTtl, "access token lifetime");
        requirePositive(authorizationCodeTtl, "authorization code lifetime");
    }

    /** Demo defaults: fixed ports 9400–9402, built-in policy, realistic lifetimes. */
    public static IssuerSettings defaults(Path stateDir) {
        return new IssuerSettings(DEFAULT_PORT_BASE, Optional.empty(), stateDir,
                Duration.ofMinutes(10), Duration.ofHours(8), Duration.ofMinutes(5), Duration.ofMinutes(15),
                Duration.ofSeconds(60));
    }

    public IssuerSettings withPortBase(int newPortBase) {
        return new IssuerSettings(newPortBase, policyFile, stateDir, idTokenTtl, refreshTokenTtl, idJagTtl,
                accessTokenTtl, authorizationCodeTtl, devAutoApproveUser, externalAuthorizationServers);
    }

    public IssuerSettings withPolicyFile(Path file) {
        return new IssuerSettings(portBase, Optional.of(file), stateDir, idTokenTtl, refreshTokenTtl, idJagTtl,
                accessTokenTtl, authorizationCodeTtl, devAutoApproveUser, externalAuthorizationServers);
    }

    public IssuerSettings withLifetimes(Duration idToken, Duration refreshToken, Duration idJag, Duration accessToken) {
        return new IssuerSettings(portBase, policyFile, stateDir, idToken, refreshToken, idJag, accessToken,
                authorizationCodeTtl, devAutoApproveUser, externalAuthorizationServers);
    }

    public IssuerSettings withAuthorizationCodeTtl(Duration codeTtl) {
        return new IssuerSettings(portBase, policyFile, stateDir, idTokenTtl, refreshTokenTtl, idJagTtl,
                accessTokenTtl, codeTtl, devAutoApproveUser, externalAuthorizationServers);
    }

    /**
     * <b>Dev only:</b> the authorization endpoint signs {@code user} (a user of the policy) in without a login
     * form or password; the issuer logs a warning at start. Never use it where real people sign in.
     */
    public IssuerSettings withDevAutoApprove(String user) {
        return new IssuerSettings(portBase, policyFile, stateDir, idTokenTtl, refreshTokenTtl, idJagTtl,
                accessTokenTtl, authorizationCodeTtl, Optional.of(user), externalAuthorizationServers);
    }

    /** These settings plus an MCP server trusting an external AS. */
    public IssuerSettings withExternalAs(ExternalAs external) {
        List<ExternalAs> all = new java.util.ArrayList<>(externalAuthorizationServers);
        all.add(external);
        return new IssuerSettings(portBase, policyFile, stateDir, idTokenTtl, refreshTokenTtl, idJagTtl,
                accessTokenTtl, authorizationCodeTtl, devAutoApproveUser, all);
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }
}
