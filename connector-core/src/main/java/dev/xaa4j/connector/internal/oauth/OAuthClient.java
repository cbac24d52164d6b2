package dev.xaa4j.connector.internal.oauth;

import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.internal.grant.ClientAuth;
import dev.xaa4j.connector.internal.grant.ClientAuthFactory;

/**
 * The client this connector is at one authorization server (MCP authorization "Client Registration"): its
 * {@code client_id} there, how it got it, and how it authenticates at the token endpoint. Holds no secret itself:
 * {@code credentials} answers only for this issuer. Immutable.
 *
 * @param issuer      the AS issuer the client belongs to; it is never used at another
 * @param clientId    the {@code client_id}
 * @param method      the token endpoint authentication ({@link dev.xaa4j.connector.internal.grant.ClientAuthSelection})
 * @param kind        how the client was identified
 * @param credentials where its secret or key comes from
 */
record OAuthClient(String issuer, String clientId, ClientAuthMethod method, Kind kind,
                   ClientCredentialsSource credentials) {

    enum Kind {
        /** Configured ({@code --client-id}); secret or key from the {@link ClientCredentialsSource}. */
        PRE_REGISTERED,
        /** A Client ID Metadata Document URL. */
        METADATA_DOCUMENT,
        /** RFC 7591 dynamic registration, kept in the credential store. */
        DYNAMIC
    }

    /** Client authentication at the token endpoint; a {@code private_key_jwt} assertion's {@code aud} is the issuer. */
    ClientAuth clientAuth() {
        return ClientAuthFactory.create(method, issuer, clientId, credentials);
    }

    /** The same authentication for one other endpoint of this AS (revocation, RFC 7009 §2.1); null for none. */
    ClientAuthentication authentication() {
        return ClientAuthFactory.authentication(method, issuer, clientId, credentials);
    }
}
