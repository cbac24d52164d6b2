package dev.xaa4j.connector.internal.grant;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ConnectorException;
import java.net.URI;
import java.security.PrivateKey;

/**
 * Builds {@link ClientAuth} for the four methods the connector supports (docs/protocol.md §1 step 3, §7):
 * none, {@code client_secret_basic} (Nimbus url-encodes id and secret before base64, RFC 6749 §2.3.1),
 * {@code client_secret_post} and {@code private_key_jwt} (RFC 7523 §2.2, RS256 for RSA keys, ES256 for EC keys).
 * A client assertion's {@code aud} is the issuer identifier of the server it goes to (the IdP issuer on the IdP's
 * endpoints, the AS issuer at the AS), as draft-ietf-oauth-rfc7523bis §4 requires, for every endpoint of that
 * server (token, revocation); RFC 7523 servers that take the token endpoint also take the issuer (RFC 7523 §3
 * "MAY"), see docs/protocol.md §7. Secrets and keys are fetched from the {@link ClientCredentialsSource} for
 * every request and never kept in fields.
 */
public final class ClientAuthFactory {

    private ClientAuthFactory() {
    }

    /**
     * @param issuer issuer of the party owning the token endpoint (IdP or AS), exactly as in its metadata: the
     *               credentials-source lookup key and a {@code private_key_jwt} assertion's {@code aud}
     */
    public static ClientAuth create(ClientAuthMethod method, String issuer, String clientId,
                                    ClientCredentialsSource credentials) {
        ClientID id = new ClientID(clientId);
        if (method == ClientAuthMethod.NONE) {
            return (endpoint, grant) -> new TokenRequest.Builder(endpoint, id, grant);
        }
        return (endpoint, grant) ->
                new TokenRequest.Builder(endpoint, authentication(method, issuer, clientId, credentials), grant);
    }

    /**
     * One Nimbus client authentication for a request to any endpoint of the server whose issuer is {@code issuer}
     * ({@code null} for {@link ClientAuthMethod#NONE}); a {@code private_key_jwt} assertion is freshly signed by
     * each call, with {@code aud} = {@code issuer}.
     *
     * @throws ConnectorException {@link ConnectorException.Kind#CONFIGURATION} when the secret or key is missing
     */
    public static ClientAuthentication authentication(ClientAuthMethod method, String issuer, String clientId,
                                                      ClientCredentialsSource credentials) {
        ClientID id = new ClientID(clientId);
        return switch (method) {
            case NONE -> null;
            case CLIENT_SECRET_BASIC -> new ClientSecretBasic(id, secret(credentials, issuer, clientId));
            case CLIENT_SECRET_POST -> new ClientSecretPost(id, secret(credentials, issuer, clientId));
            case PRIVATE_KEY_JWT -> privateKeyJwt(credentials, issuer, id, URI.create(issuer));
        };
    }

    private static Secret secret(ClientCredentialsSource credentials, String issuer, String clientId) {
        return credentials.clientSecret(issuer, clientId).map(Secret::new).orElseThrow(() ->
                credentials.missingSecret(issuer, clientId));
    }

    private static ClientAuthentication privateKeyJwt(ClientCredentialsSource credentials, String issuer,
                                                      ClientID id, URI audience) {
        String json = credentials.signingKey(issuer, id.getValue()).orElseThrow(() ->
                new ConnectorException(ConnectorException.Kind.CONFIGURATION, "No private key for client " + id + " at " + issuer
                        + " (private_key_jwt): run `xaa key create` and register the public key with your IdP"
                        + " administrator (or provide a key through a ClientCredentialsSource)"));
        JWK jwk;
        try {
            jwk = JWK.parse(json);
        } catch (java.text.ParseException e) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The private key of client " + id
                    + " is not a JWK; store it again");
        }
        try {
            PrivateKey key;
            JWSAlgorithm alg;
            if (jwk instanceof RSAKey rsa && rsa.isPrivate()) {
                key = rsa.toPrivateKey();
                alg = JWSAlgorithm.RS256;
            } else if (jwk instanceof ECKey ec && ec.isPrivate()) {
                key = ec.toPrivateKey();
                alg = JWSAlgorithm.ES256;
            } else {
                throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The key of client " + id + " is not a private RSA or EC key");
            }
            return new PrivateKeyJWT(id, audience, alg, key, jwk.getKeyID(), null);
        } catch (JOSEException e) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "Could not sign the client assertion of client " + id, e);
        }
    }
}
