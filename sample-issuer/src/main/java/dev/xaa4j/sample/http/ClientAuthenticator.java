package dev.xaa4j.sample.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.oauth2.sdk.AbstractOptionallyIdentifiedRequest;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import dev.xaa4j.sample.audit.AuditLog;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.auth.verifier.ClientAuthenticationVerifier;
import com.nimbusds.oauth2.sdk.auth.verifier.ClientCredentialsSelector;
import com.nimbusds.oauth2.sdk.auth.verifier.Context;
import com.nimbusds.oauth2.sdk.auth.verifier.ExpendedJTIChecker;
import com.nimbusds.oauth2.sdk.auth.verifier.InvalidClientException;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.JWTID;
import java.net.URI;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Authenticates a client at a token endpoint with Nimbus' {@link ClientAuthenticationVerifier}:
 * {@code client_secret_basic}, {@code client_secret_post} and {@code private_key_jwt} (RFC 7523 §2.2, with
 * {@code jti} replay protection and the token endpoint or issuer as accepted audience).
 */
public final class ClientAuthenticator {

    /** A client as registered at one server: a secret, public keys, or both. */
    public record Registration(String clientId, String secret, Map<String, Object> jwks) {
    }

    private final Function<String, Registration> clients;
    private final ClientAuthenticationVerifier<Void> verifier;
    private final Map<String, Instant> expendedJtis = new ConcurrentHashMap<>();

    /**
     * The authenticator of {@code issuer}'s token endpoint: private_key_jwt assertions may name the token
     * endpoint or the issuer as audience (RFC 7523 §3).
     *
     * @param registration a client of the policy as a registration
     */
    public static <C> ClientAuthenticator atTokenEndpoint(URI issuer, URI tokenEndpoint, List<C> clients,
                                                          Function<C, Registration> registration) {
        return new ClientAuthenticator(clients.stream().map(registration).toList(),
                Set.of(new Audience(tokenEndpoint.toString()), new Audience(issuer.toString())));
    }

    /**
     * As {@link #atTokenEndpoint(URI, URI, List, Function)}, the keys of {@code keys} (registered at run time)
     * replacing a client's policy keys.
     */
    public static <C> ClientAuthenticator atTokenEndpoint(URI issuer, URI tokenEndpoint, List<C> clients,
                                                          Function<C, Registration> registration, ClientKeys keys) {
        Map<String, Registration> byId = new ConcurrentHashMap<>();
        clients.stream().map(registration).forEach(r -> byId.put(r.clientId(), r));
        return new ClientAuthenticator(id -> keys.applyTo(byId.get(id)),
                Set.of(new Audience(tokenEndpoint.toString()), new Audience(issuer.toString())));
    }

    public ClientAuthenticator(List<Registration> registrations, Set<Audience> acceptedAudiences) {
        Map<String, Registration> byId = new ConcurrentHashMap<>();
        for (Registration r : registrations) {
            byId.put(r.clientId(), r);
        }
        this.clients = byId::get;
        this.verifier = new ClientAuthenticationVerifier<>(new Selector(), acceptedAudiences, new JtiChecker());
    }

    /**
     * An authenticator whose clients change at run time (dynamic registration, client ID metadata documents):
     * {@code lookup} answers a client id with its registration, or {@code null} when unknown.
     */
    public ClientAuthenticator(Function<String, Registration> lookup, Set<Audience> acceptedAudiences) {
        this.clients = lookup;
        this.verifier = new ClientAuthenticationVerifier<>(new Selector(), acceptedAudiences, new JtiChecker());
    }

    /**
     * Verifies {@code auth}. Returns the authenticated client id.
     *
     * @throws InvalidClientException when the client is unknown or its credentials do not verify
     */
    public String authenticate(ClientAuthentication auth) throws InvalidClientException {
        if (auth == null) {
            throw new InvalidClientException("client authentication required");
        }
        try {
            verifier.verify(auth, null, new Context<>());
        } catch (JOSEException e) {
            throw new InvalidClientException("client assertion could not be verified");
        }
        return auth.getClientID().getValue();
    }

    /**
     * Answers a token or revocation request whose client authentication failed: audit-logs it as {@code event}
     * with the client id claimed (never a secret) and writes {@code invalid_client} (401, RFC 6749 §5.2).
     */
    public static void refuse(AuditLog audit, HttpServletResponse resp, String event,
                              AbstractOptionallyIdentifiedRequest request, InvalidClientException e) throws IOException {
        String claimed = request.getClientAuthentication() != null
                ? request.getClientAuthentication().getClientID().getValue()
                : request.getClientID() == null ? null : request.getClientID().getValue();
        audit.record(event, null, claimed, null, null, null, null, "deny",
                "client authentication failed: " + e.getMessage());
        Http.tokenError(resp, OAuth2Error.INVALID_CLIENT, e.getMessage());
    }

    private final class Selector implements ClientCredentialsSelector<Void> {
        @Override
        public List<Secret> selectClientSecrets(ClientID id, ClientAuthenticationMethod method, Context<Void> ctx)
                throws InvalidClientException {
            Registration r = registration(id);
            if (r.secret() == null) {
                throw new InvalidClientException("client " + id + " is not registered for secret authentication");
            }
            return List.of(new Secret(r.secret()));
        }

        @Override
        public List<? extends PublicKey> selectPublicKeys(ClientID id, ClientAuthenticationMethod method,
                                                          JWSHeader header, boolean forceRefresh,
                                                          Context<Void> ctx) throws InvalidClientException {
            Registration r = registration(id);
            if (r.jwks() == null) {
                throw new InvalidClientException("client " + id + " is not registered for private_key_jwt");
            }
            try {
                List<PublicKey> keys = new ArrayList<>();
                for (JWK jwk : JWKSet.parse(r.jwks()).getKeys()) {
                    if (header.getKeyID() != null && !header.getKeyID().equals(jwk.getKeyID())) {
                        continue;
                    }
                    if (jwk instanceof AsymmetricJWK asym) {
                        keys.add(asym.toPublicKey());
                    }
                }
                return keys;
            } catch (ParseException | JOSEException e) {
                throw new InvalidClientException("client " + id + " has unusable registered keys");
            }
        }

        private Registration registration(ClientID id) throws InvalidClientException {
            Registration r = clients.apply(id.getValue());
            if (r == null) {
                throw new InvalidClientException("unknown client");
            }
            return r;
        }
    }

    private final class JtiChecker implements ExpendedJTIChecker<Void> {
        @Override
        public boolean isExpended(JWTID jti, ClientID clientID, ClientAuthenticationMethod method, Context<Void> ctx) {
            Instant now = Instant.now();
            expendedJtis.values().removeIf(exp -> exp.isBefore(now));
            return expendedJtis.containsKey(clientID.getValue() + '\0' + jti.getValue());
        }

        @Override
        public void markExpended(JWTID jti, Date exp, ClientID clientID, ClientAuthenticationMethod method,
                                 Context<Void> ctx) {
            expendedJtis.put(clientID.getValue() + '\0' + jti.getValue(),
                    exp == null ? Instant.now().plusSeconds(600) : exp.toInstant());
        }
    }
}
