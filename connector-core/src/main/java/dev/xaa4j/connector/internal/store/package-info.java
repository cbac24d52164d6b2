/**
 * Where the IdP session lives (docs/protocol.md §3.5, §4; docs/architecture.md "Secrets live only in the OS keyring"):
 * {@link dev.xaa4j.connector.internal.store.KeyringCredentialStore} (OS keyring through java-keyring, size-safe chunked
 * values, remedy messages, no plaintext fallback), {@link dev.xaa4j.connector.internal.store.MemoryCredentialStore},
 * and {@link dev.xaa4j.connector.internal.store.SessionStore} (the {@link dev.xaa4j.connector.internal.store.IdpSession} as one
 * JSON value plus a cross-process file lock that serializes IdP refreshes).
 */
package dev.xaa4j.connector.internal.store;
