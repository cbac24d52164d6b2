/**
 * Interactive single sign-on at the IdP (docs/protocol.md §1 step 1, RFC 8252, RFC 7636, RFC 9207):
 * {@link dev.xaa4j.connector.internal.signin.BrowserSignIn} runs the code flow with PKCE through the system browser and
 * a one-shot loopback listener; {@link dev.xaa4j.connector.internal.signin.IdTokenVerifier} validates ID tokens
 * (docs/protocol.md §3.1) with key rotation.
 */
package dev.xaa4j.connector.internal.signin;
