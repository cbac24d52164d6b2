package dev.xaa4j.connector.testing;

import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.xaa4j.connector.internal.discovery.Discovery;
import dev.xaa4j.connector.internal.signin.BrowserSignIn;
import dev.xaa4j.connector.internal.signin.SignInOptions;
import dev.xaa4j.connector.internal.signin.SignInResult;
import dev.xaa4j.connector.internal.store.IdpSession;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.connector.internal.store.SessionStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Child-JVM main for the end-to-end test of the {@code BROWSER} path: discovers the IdP, signs in with no
 * browser command configured (so {@code BROWSER} from the environment is used), and saves the session in the
 * OS keyring. Prints {@code SIGNED-IN <sub>} on success.
 * Args: idpIssuer clientId clientSecret keyringService lockDir.
 */
public final class SignInMain {
    private SignInMain() {
    }

    public static void main(String[] args) throws Exception {
        URI issuer = URI.create(args[0]);
        String clientId = args[1];
        OIDCProviderMetadata idp = new Discovery().idp(issuer);
        SignInResult r = new BrowserSignIn().start(idp, clientId,
                        new ClientSecretBasic(new ClientID(clientId), new Secret(args[2])),
                        new SignInOptions(List.of("email", "profile"), Duration.ofSeconds(60), "127.0.0.1", null))
                .get(90, TimeUnit.SECONDS);
        Date authTime = r.idTokenClaims().getDateClaim("auth_time");
        new SessionStore(new KeyringCredentialStore(args[3]), Path.of(args[4])).save(new IdpSession(
                issuer.toString(), clientId, r.idTokenClaims().getSubject(), r.idToken(),
                r.idTokenClaims().getExpirationTime().toInstant(), r.refreshToken(),
                Optional.ofNullable(authTime).map(Date::toInstant).orElse(Instant.now())));
        System.out.println("SIGNED-IN " + r.idTokenClaims().getSubject());
        System.exit(0);
    }
}
