/**
 * Discovery from only an MCP server URL (docs/protocol.md §6: RFC 9728 protected resource metadata, RFC 8414 /
 * OIDC authorization server metadata, capability checks) and IdP OpenID Connect discovery, with issuer
 * equality checks, https-only endpoints (loopback excepted) and a bounded cache:
 * {@link dev.xaa4j.connector.internal.discovery.Discovery}.
 */
package dev.xaa4j.connector.internal.discovery;
