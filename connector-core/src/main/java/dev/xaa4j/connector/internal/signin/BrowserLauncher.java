package dev.xaa4j.connector.internal.signin;

import java.io.IOException;
import java.net.URI;

/**
 * Shows an authorization request to the person (RFC 8252 §4.1: the system browser). The product's launcher runs
 * {@code BROWSER}, else the desktop browser, else prints the URL; tests and the MCP conformance harness plug a
 * headless redirect follower here (GET the URL, follow the authorization server's redirect to the loopback
 * {@code redirect_uri}). Called once per sign-in, on a sign-in thread; may return before the person acts.
 */
@FunctionalInterface
public interface BrowserLauncher {

    /** Opens {@code authorizationRequest}; an {@link IOException} fails the sign-in with its message. */
    void open(URI authorizationRequest) throws IOException;
}
