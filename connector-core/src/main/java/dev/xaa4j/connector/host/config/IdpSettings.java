package dev.xaa4j.connector.host.config;

/**
 * The enterprise IdP the user signs in to. No secret here: a confidential client's secret is kept in the OS
 * keyring ({@code xaa secret set idp-client-secret}).
 *
 * @param issuer     OIDC issuer URL
 * @param clientId   this app's client id at the IdP
 * @param authMethod {@code none} (public client, PKCE), {@code client_secret_basic}, {@code client_secret_post}
 *                   or {@code private_key_jwt}
 */
public record IdpSettings(String issuer, String clientId, String authMethod) {
}
