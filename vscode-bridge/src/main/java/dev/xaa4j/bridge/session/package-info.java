/**
 * Where {@code xaa bridge} gets its tokens: {@link dev.xaa4j.bridge.session.TokenSourceAuth} (the bridge's
 * {@link dev.xaa4j.bridge.proxy.UpstreamAuth} over the shared token source: the session owner's broker, else the
 * embedded connector), {@link dev.xaa4j.bridge.session.EarlyTokenFetch} (the first token fetched while the command
 * line is still being parsed) and {@link dev.xaa4j.bridge.session.MemorySecrets} (a memory agent's client
 * secrets). See docs/architecture.md "One session owner per machine".
 */
package dev.xaa4j.bridge.session;
