package dev.xaa4j.connector.internal.grant;

import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import java.net.URI;

/**
 * Client authentication (docs/protocol.md §1 step 3, §7) for one client at one token endpoint, applied to a fresh request each time (a
 * {@code private_key_jwt} assertion is single-use, so it is signed anew per request). Built by
 * {@link ClientAuthFactory}.
 */
@FunctionalInterface
public interface ClientAuth {

    /** A token request builder for {@code grant} at {@code tokenEndpoint}, authenticated as this client. */
    TokenRequest.Builder newRequest(URI tokenEndpoint, AuthorizationGrant grant);
}
