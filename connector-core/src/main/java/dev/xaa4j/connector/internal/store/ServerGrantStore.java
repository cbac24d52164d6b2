package dev.xaa4j.connector.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows of plain MCP authorization in a {@link CredentialStore} (the OS keyring, or memory), docs/architecture.md
 * "Plain MCP authorization": per server its grant ({@code oauth-grant|SERVER}: refresh token and scopes, bound to
 * the AS issuer, client id and PRM resource they were issued for); per AS issuer the dynamically registered client
 * ({@code oauth-client|ISSUER}, its secret included); per server the issuer a pre-registered client id was first
 * used at ({@code oauth-bound|SERVER|CLIENT_ID}). A row that does not parse is treated as absent (and logged
 * without its content). Thread-safe as the store is.
 */
public final class ServerGrantStore {

    private static final Logger LOG = LoggerFactory.getLogger(ServerGrantStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A server's grant. {@link #toString()} never prints the refresh token.
     *
     * @param issuer       the AS issuer that issued the refresh token (compared as plain strings)
     * @param clientId     the client the refresh token belongs to
     * @param resource     the PRM {@code resource} it is bound to (RFC 8707)
     * @param refreshToken the refresh token
     * @param granted      the scopes granted (RFC 6749 §5.1)
     * @param requested    the scopes last requested (the union a step-up builds on)
     */
    public record Grant(String issuer, String clientId, String resource, String refreshToken,
                        List<String> granted, List<String> requested) {
        public Grant {
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(refreshToken, "refreshToken");
            granted = List.copyOf(granted);
            requested = List.copyOf(requested);
        }

        @Override
        public String toString() {
            return "Grant[issuer=" + issuer + ", clientId=" + clientId + ", resource=" + resource + ", granted=" + granted
                    + ", refreshToken=<redacted>]";
        }
    }

    /**
     * A client registered by RFC 7591 dynamic registration. {@link #toString()} never prints the secret.
     *
     * @param clientId         the issued {@code client_id}
     * @param clientSecret     the issued {@code client_secret}, or {@code null}
     * @param authMethod       the registered {@code token_endpoint_auth_method} (RFC 7591 §2 name)
     * @param secretExpiresAt  {@code client_secret_expires_at} in epoch seconds, 0 = never
     */
    public record Registration(String clientId, String clientSecret, String authMethod, long secretExpiresAt) {
        public Registration {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(authMethod, "authMethod");
        }

        @Override
        public String toString() {
            return "Registration[clientId=" + clientId + ", authMethod=" + authMethod + ", secret="
                    + (clientSecret == null ? "none" : "<redacted>") + "]";
        }
    }

    private final CredentialStore store;

    public ServerGrantStore(CredentialStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    public Optional<Grant> grant(String server) {
        return read(grantKey(server), n -> new Grant(text(n, "issuer"), text(n, "client_id"),
                text(n, "resource"), text(n, "refresh_token"), strings(n.get("granted")), strings(n.get("requested"))));
    }

    /** Replaces the server's grant in one write (the rotated refresh token is persisted before the old is gone). */
    public void saveGrant(String server, Grant grant) {
        ObjectNode n = JSON.createObjectNode().put("issuer", grant.issuer()).put("client_id", grant.clientId())
                .put("resource", grant.resource()).put("refresh_token", grant.refreshToken());
        grant.granted().forEach(n.putArray("granted")::add);
        grant.requested().forEach(n.putArray("requested")::add);
        write(grantKey(server), n);
    }

    public void deleteGrant(String server) {
        store.delete(grantKey(server));
    }

    public Optional<Registration> registration(String issuer) {
        return read(registrationKey(issuer), n -> new Registration(text(n, "client_id"),
                n.hasNonNull("client_secret") ? n.get("client_secret").asText() : null,
                text(n, "token_endpoint_auth_method"), n.path("client_secret_expires_at").asLong(0)));
    }

    public void saveRegistration(String issuer, Registration registration) {
        ObjectNode n = JSON.createObjectNode().put("client_id", registration.clientId())
                .put("client_secret", registration.clientSecret())
                .put("token_endpoint_auth_method", registration.authMethod())
                .put("client_secret_expires_at", registration.secretExpiresAt());
        write(registrationKey(issuer), n);
    }

    public void deleteRegistration(String issuer) {
        store.delete(registrationKey(issuer));
    }

    /**
     * Scopes a step-up of {@code server} needed while no browser could be opened (a bridge): the next interactive
     * sign-in to it (another process: {@code xaa login SERVER}, the tray) asks for them too. Not a secret.
     */
    public java.util.Set<String> wantedScopes(String server) {
        return store.read(wantedKey(server)).map(v -> java.util.Set.of(v.trim().split("\\s+")))
                .map(s -> s.stream().filter(x -> !x.isEmpty()).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)))
                .map(java.util.Set.class::cast).orElse(java.util.Set.of());
    }

    /** Records (or, with an empty set, clears) {@link #wantedScopes}. */
    public void wantScopes(String server, java.util.Set<String> scopes) {
        if (scopes.isEmpty()) {
            store.delete(wantedKey(server));
        } else {
            store.write(wantedKey(server), String.join(" ", new java.util.TreeSet<>(scopes)));
        }
    }

    /** The AS issuer the pre-registered {@code clientId} of {@code server} was first used at, if any. */
    public Optional<String> boundIssuer(String server, String clientId) {
        return store.read(boundKey(server, clientId));
    }

    public void bind(String server, String clientId, String issuer) {
        store.write(boundKey(server, clientId), issuer);
    }

    static String grantKey(String server) {
        return "oauth-grant|" + server;
    }

    static String registrationKey(String issuer) {
        return "oauth-client|" + issuer;
    }

    static String wantedKey(String server) {
        return "oauth-wanted|" + server;
    }

    static String boundKey(String server, String clientId) {
        return "oauth-bound|" + server + "|" + clientId;
    }

    private <T> Optional<T> read(String key, Function<JsonNode, T> parse) {
        Optional<String> text = store.read(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(text.get());
            if (!n.isObject()) {
                throw new IllegalArgumentException("not an object");
            }
            return Optional.of(parse.apply(n));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warn("Ignoring the unreadable stored entry {} ({})", key.substring(0, key.indexOf('|')), e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private static String text(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("no " + name);
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(v -> out.add(v.asText()));
        }
        return out;
    }

    private void write(String key, ObjectNode value) {
        try {
            store.write(key, JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a stored entry", e);
        }
    }
}
