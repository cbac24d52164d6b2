/**
 * Plain MCP authorization (MCP authorization spec 2025-11-25 and 2026-07-28) for servers whose authorization
 * server does not redeem ID-JAGs: client identification, the authorization code flow with PKCE in the system
 * browser, token requests, refresh-token storage per (server, authorization server) and step-up.
 */
package dev.xaa4j.connector.internal.oauth;
