/**
 * Where the IdP session lives (docs/protocol.md §3.5, §4; docs/architecture.md "Secrets live only in the OS keyring"):
 * {@link dev.xaa4j.connector.internal.store.KeyringCredentialStore} (OS keyring through java-keyring, size-safe chunked
 * values, remedy messages, no plaintext fallback), {@link dev.xaa4j.connector.internal.store.MemoryCredentialStore},
 * and {@link dev.xaa4j.connector.internal.store.SessionStore} (the {@link dev.xaa4j.connector.internal.store.IdpSession} as one
 * JSON value plus a cross-process file lock that serializes IdP refreshes), and
 * {@link dev.xaa4j.connector.internal.store.ServerGrantStore} (plain MCP authorization's per-server grants and per-issuer
 * dynamic registrations, docs/architecture.md "Plain MCP authorization").
 */
package dev.xaa4j.connector.internal.store;
