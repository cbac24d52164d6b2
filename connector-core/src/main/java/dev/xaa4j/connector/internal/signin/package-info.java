/**
 * Interactive single sign-on at the IdP (docs/protocol.md §1 step 1, RFC 8252, RFC 7636, RFC 9207):
 * {@link dev.xaa4j.connector.internal.signin.BrowserSignIn} runs the code flow with PKCE through the system browser and
 * a one-shot loopback listener; {@link dev.xaa4j.connector.internal.signin.IdTokenVerifier} validates ID tokens
 * (docs/protocol.md §3.1) with key rotation. What plain MCP authorization reuses (docs/architecture.md "Plain MCP
 * authorization"): {@link dev.xaa4j.connector.internal.signin.LoopbackReceiver} (the one-shot loopback redirect
 * receiver) and {@link dev.xaa4j.connector.internal.signin.SystemBrowser} (the default
 * {@link dev.xaa4j.connector.internal.signin.BrowserLauncher}).
 */
package dev.xaa4j.connector.internal.signin;
