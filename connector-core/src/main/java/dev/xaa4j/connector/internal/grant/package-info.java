/**
 * One small class per wire step, Nimbus for every message (docs/protocol.md §1 steps 2–3, §3.1, §4, §5):
 * {@link dev.xaa4j.connector.internal.grant.IdJagExchange} (RFC 8693 ID token → ID-JAG),
 * {@link dev.xaa4j.connector.internal.grant.JwtBearerGrant} (RFC 7523 ID-JAG → access token),
 * {@link dev.xaa4j.connector.internal.grant.IdpRefresh} (refresh_token grant with rotation persisted first) and
 * {@link dev.xaa4j.connector.internal.grant.ClientAuthFactory} (none, client_secret_basic, client_secret_post,
 * private_key_jwt); for plain MCP authorization {@link dev.xaa4j.connector.internal.grant.ServerTokenGrant}
 * (authorization_code with PKCE and refresh_token, RFC 6749 §4.1.3 / §6, RFC 8707 {@code resource}); for headless agents
 * {@link dev.xaa4j.connector.internal.grant.HeadlessGrant} (client_credentials, RFC 6749 §4.4, and workload jwt-bearer,
 * RFC 7523 §2.1); and
 * {@link dev.xaa4j.connector.internal.grant.ClientAuthSelection} (which method the AS advertises). OAuth errors become the typed exceptions of the root package; nothing here logs a token.
 */
package dev.xaa4j.connector.internal.grant;
