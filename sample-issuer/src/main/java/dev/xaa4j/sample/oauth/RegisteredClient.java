package dev.xaa4j.sample.oauth;

import java.util.List;
import java.util.Map;

/**
 * A client of a plain OAuth AS, however it became known (RFC 7591 §2 metadata names).
 *
 * @param secret          the client secret for {@code client_secret_basic}/{@code client_secret_post}, else {@code null}
 * @param jwks            the public keys for {@code private_key_jwt}, else {@code null}
 * @param authMethod      {@code none}, {@code client_secret_basic}, {@code client_secret_post} or {@code private_key_jwt}
 * @param grantTypes      the grants it may use ({@code authorization_code}, {@code refresh_token})
 * @param applicationType {@code native}/{@code web} as registered, or {@code null} when not given
 * @param origin          {@code pre-registered}, {@code dcr} or {@code cimd}
 */
public record RegisteredClient(String clientId, String secret, Map<String, Object> jwks, List<String> redirectUris,
                               String authMethod, List<String> grantTypes, String applicationType, String origin) {

    public RegisteredClient {
        redirectUris = List.copyOf(redirectUris);
        grantTypes = List.copyOf(grantTypes);
    }

    boolean mayUse(String grantType) {
        return grantTypes.contains(grantType);
    }
}
