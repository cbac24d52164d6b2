package dev.xaa4j.connector.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Who a session is shown as: OIDC Core §5.1 name, then preferred_username, then email, then the (opaque) sub. */
@Timeout(10)
class IdpSessionDisplayNameTest {

    private static final String UUID_SUB = "00u1f8a2c3d4e5f6a7b8";

    @Test
    void theNameClaimWinsOverAnOpaqueSub() {
        assertThat(session(claims().claim("name", "Alice Anders").claim("preferred_username", "alice")
                .claim("email", "alice@example.com")).displayName()).isEqualTo("Alice Anders");
    }

    @Test
    void withoutANameThePreferredUsernameThenTheEmailIsShown() {
        assertThat(session(claims().claim("name", " ").claim("preferred_username", "alice").claim("email", "alice@example.com"))
                .displayName()).isEqualTo("alice");
        assertThat(session(claims().claim("email", "alice@example.com")).displayName()).isEqualTo("alice@example.com");
    }

    @Test
    void onlyWithoutAnyOfThemIsTheSubShown() {
        assertThat(session(claims()).displayName()).isEqualTo(UUID_SUB);
        assertThat(session(claims().claim("name", 42)).displayName()).as("a non-string name is ignored").isEqualTo(UUID_SUB);
    }

    @Test
    void anUnparseableStoredTokenFallsBackToTheSubWithoutShowingTheToken() {
        IdpSession s = new IdpSession("https://idp.example", "xaa", UUID_SUB, "not-a-jwt", Instant.EPOCH, Optional.empty(), Instant.EPOCH);
        assertThat(s.displayName()).isEqualTo(UUID_SUB);
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer("https://idp.example").subject(UUID_SUB);
    }

    private static IdpSession session(JWTClaimsSet.Builder claims) {
        return new IdpSession("https://idp.example", "xaa", UUID_SUB, new PlainJWT(claims.build()).serialize(),
                Instant.EPOCH, Optional.empty(), Instant.EPOCH);
    }
}
