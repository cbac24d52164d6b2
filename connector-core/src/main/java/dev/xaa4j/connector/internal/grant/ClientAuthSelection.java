package dev.xaa4j.connector.internal.grant;

import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import dev.xaa4j.connector.ClientAuthMethod;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which client authentication to use at an authorization server's token endpoint (RFC 8414 §2
 * {@code token_endpoint_auth_methods_supported}; absent means {@code client_secret_basic}, RFC 6749 §2.3.1): the
 * registered or configured method if the AS lists it; else {@code private_key_jwt} when a key exists and it is
 * listed; else, with a secret, {@code client_secret_basic} ({@code client_secret_post} when only that is listed);
 * else {@code none}. Stateless.
 */
public final class ClientAuthSelection {

    private ClientAuthSelection() {
    }

    /**
     * @param advertised the AS's {@code token_endpoint_auth_methods_supported}, or {@code null} when absent
     * @param registered the method the client was registered with or configured for, if known
     */
    public static ClientAuthMethod choose(List<ClientAuthenticationMethod> advertised, Optional<ClientAuthMethod> registered,
                                          boolean hasKey, boolean hasSecret) {
        List<ClientAuthMethod> listed = advertised == null ? List.of(ClientAuthMethod.CLIENT_SECRET_BASIC)
                : advertised.stream().map(ClientAuthSelection::of).flatMap(Optional::stream).toList();
        if (registered.isPresent() && listed.contains(registered.get()) && usable(registered.get(), hasKey, hasSecret)) {
            return registered.get();
        }
        if (hasKey && listed.contains(ClientAuthMethod.PRIVATE_KEY_JWT)) {
            return ClientAuthMethod.PRIVATE_KEY_JWT;
        }
        if (hasSecret) {
            return listed.contains(ClientAuthMethod.CLIENT_SECRET_POST) && !listed.contains(ClientAuthMethod.CLIENT_SECRET_BASIC)
                    ? ClientAuthMethod.CLIENT_SECRET_POST : ClientAuthMethod.CLIENT_SECRET_BASIC;
        }
        return ClientAuthMethod.NONE;
    }

    /**
     * The {@code token_endpoint_auth_method} to ask for in a dynamic registration (RFC 7591 §2): {@code none} (a
     * native app holds no secret, RFC 8252 §8.4) unless the AS lists only others; then basic, else post.
     */
    public static ClientAuthMethod forRegistration(List<ClientAuthenticationMethod> advertised) {
        List<ClientAuthMethod> listed = advertised == null ? List.of(ClientAuthMethod.CLIENT_SECRET_BASIC)
                : advertised.stream().map(ClientAuthSelection::of).flatMap(Optional::stream).toList();
        if (listed.isEmpty() || listed.contains(ClientAuthMethod.NONE)) {
            return ClientAuthMethod.NONE;
        }
        return listed.contains(ClientAuthMethod.CLIENT_SECRET_BASIC) || !listed.contains(ClientAuthMethod.CLIENT_SECRET_POST)
                ? ClientAuthMethod.CLIENT_SECRET_BASIC : ClientAuthMethod.CLIENT_SECRET_POST;
    }

    /** The RFC 7591 §2 name of {@code method}. */
    public static String wireName(ClientAuthMethod method) {
        return method.name().toLowerCase(Locale.ROOT);
    }

    /** {@code method} by its RFC 7591 §2 name; empty for a method this client does not implement. */
    public static Optional<ClientAuthMethod> of(ClientAuthenticationMethod method) {
        return method == null ? Optional.empty() : of(method.getValue());
    }

    /** {@code name} ({@code client_secret_basic}…) as a method; empty when unknown. */
    public static Optional<ClientAuthMethod> of(String name) {
        for (ClientAuthMethod m : ClientAuthMethod.values()) {
            if (wireName(m).equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    private static boolean usable(ClientAuthMethod method, boolean hasKey, boolean hasSecret) {
        return switch (method) {
            case NONE -> true;
            case PRIVATE_KEY_JWT -> hasKey;
            case CLIENT_SECRET_BASIC, CLIENT_SECRET_POST -> hasSecret;
        };
    }
}
