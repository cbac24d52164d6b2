/**
 * Adapters for the MCP Java SDK 2.1.0 (docs/protocol.md §1 step 4, §5 rows "RS 401" and "RS 403"): a request
 * customizer that puts the current bearer token on every HTTP request, an authorization error handler (401 →
 * renew and replay once, 403 insufficient_scope → step-up once), and
 * {@link dev.xaa4j.connector.mcp.McpTransports} to get an authorized Streamable HTTP transport in one line.
 */
package dev.xaa4j.connector.mcp;
