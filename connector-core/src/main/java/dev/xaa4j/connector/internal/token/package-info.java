/**
 * The token cache and the renewal chain (docs/protocol.md §4–§5): {@link dev.xaa4j.connector.internal.token.TokenManager}
 * (lock-free cached hits, proactive single-flight renewal, failure handling; its javadoc states the
 * concurrency contract) over one {@link dev.xaa4j.connector.internal.token.TokenSlot} per server, with
 * {@link dev.xaa4j.connector.internal.token.RenewalScheduler} running renewals and
 * {@link dev.xaa4j.connector.internal.token.FailurePolicy} deciding what a failed one does;
 * {@link dev.xaa4j.connector.internal.token.XaaTokenFetcher} (discovery → ID token → exchange
 * → jwt-bearer) and the ID token providers ({@link dev.xaa4j.connector.internal.token.SessionIdTokenProvider}: the
 * stored session, refreshed under the cross-process lock; {@link dev.xaa4j.connector.internal.token.SuppliedIdTokenProvider}:
 * the caller's ID token).
 */
package dev.xaa4j.connector.internal.token;
