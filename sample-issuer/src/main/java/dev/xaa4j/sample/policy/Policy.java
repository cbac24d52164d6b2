package dev.xaa4j.sample.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The enterprise's access policy, as a JSON document (the built-in demo is {@code demo-policy.json}):
 * users, MCP resources with their scopes (each scope an entitlement), access profiles bundling scopes,
 * grants of profiles and scopes to users, and the registered clients at the IdP and at the AS.
 *
 * <p>Immutable; runtime changes (revocations) live in {@link PolicyEngine}.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Policy(
        List<User> users,
        List<Resource> resources,
        List<Profile> profiles,
        List<Grant> grants,
        List<IdpClient> idpClients,
        List<AsClient> asClients,
        PlainOAuth plainOAuth,
        Headless headless) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    public Policy {
        users = List.copyOf(Objects.requireNonNull(users, "users"));
        resources = List.copyOf(Objects.requireNonNull(resources, "resources"));
        profiles = profiles == null ? List.of() : List.copyOf(profiles);
        grants = grants == null ? List.of() : List.copyOf(grants);
        idpClients = List.copyOf(Objects.requireNonNull(idpClients, "idpClients"));
        asClients = List.copyOf(Objects.requireNonNull(asClients, "asClients"));
        plainOAuth = plainOAuth == null ? PlainOAuth.NONE : plainOAuth;
        headless = headless == null ? Headless.NONE : headless;
    }

    /** A policy without headless grants (the shape before issue 12). */
    public Policy(List<User> users, List<Resource> resources, List<Profile> profiles, List<Grant> grants,
                  List<IdpClient> idpClients, List<AsClient> asClients, PlainOAuth plainOAuth) {
        this(users, resources, profiles, grants, idpClients, asClients, plainOAuth, Headless.NONE);
    }

    /** A policy without plain-OAuth servers (the shape before issue 11). */
    public Policy(List<User> users, List<Resource> resources, List<Profile> profiles, List<Grant> grants,
                  List<IdpClient> idpClients, List<AsClient> asClients) {
        this(users, resources, profiles, grants, idpClients, asClients, PlainOAuth.NONE, Headless.NONE);
    }

    /**
     * Who may get MCP access tokens without a person (issue 12): AS clients allowed the {@code client_credentials}
     * grant (SEP-1046) and workloads allowed the jwt-bearer grant with a workload JWT (SEP-1933), each with the
     * enterprise scopes it may be granted. The token's {@code sub} is the client id or the workload's subject.
     */
    public record Headless(List<ServiceClient> clients, List<Workload> workloads) {
        public static final Headless NONE = new Headless(List.of(), List.of());

        public Headless {
            clients = clients == null ? List.of() : List.copyOf(clients);
            workloads = workloads == null ? List.of() : List.copyOf(workloads);
        }

        public Optional<ServiceClient> client(String clientId) {
            return clients.stream().filter(c -> c.clientId().equals(clientId)).findFirst();
        }

        public Optional<Workload> workload(String subject) {
            return workloads.stream().filter(w -> w.subject().equals(subject)).findFirst();
        }
    }

    /** An AS client (of {@code asClients}) allowed {@code client_credentials}, and the scopes it may get. */
    public record ServiceClient(String clientId, List<String> scopes) {
        public ServiceClient {
            Objects.requireNonNull(clientId, "headless.client.clientId");
            scopes = scopes == null ? List.of() : List.copyOf(scopes);
        }
    }

    /**
     * A workload ({@code sub} of a workload JWT from a trusted workload issuer) allowed the jwt-bearer grant, the
     * scopes it may get, and optionally the only {@code client_id} it may name (else any or none).
     */
    public record Workload(String subject, List<String> scopes, String clientId) {
        public Workload {
            Objects.requireNonNull(subject, "headless.workload.subject");
            scopes = scopes == null ? List.of() : List.copyOf(scopes);
        }
    }

    /**
     * The MCP servers protected by the sample's <b>plain</b> OAuth authorization server (no EMA: a person
     * consents per server in the browser), which users may get which of their scopes, and the clients
     * pre-registered there. Scopes here are separate from the enterprise resources' scopes; a plain
     * server is never a token-exchange audience.
     */
    public record PlainOAuth(List<Resource> resources, List<Grant> grants, List<OAuthClient> clients) {
        public static final PlainOAuth NONE = new PlainOAuth(List.of(), List.of(), List.of());

        public PlainOAuth {
            resources = resources == null ? List.of() : List.copyOf(resources);
            grants = grants == null ? List.of() : List.copyOf(grants);
            clients = clients == null ? List.of() : List.copyOf(clients);
        }

        /** The scopes of plain server {@code resource} that {@code username} may be granted (policy order). */
        public List<String> allowedScopes(String username, String resource) {
            List<String> granted = grants.stream().filter(g -> g.user().equals(username))
                    .flatMap(g -> g.scopes().stream()).toList();
            return resources.stream().filter(r -> r.name().equals(resource)).flatMap(r -> r.scopes().stream())
                    .filter(granted::contains).toList();
        }
    }

    /**
     * A client pre-registered at the plain OAuth AS (RFC 7591 §2 metadata names): its authentication
     * method ({@code none}, {@code client_secret_basic}, {@code client_secret_post}, {@code private_key_jwt}),
     * the secret or public keys that method needs, and its redirect URIs (loopback ones match any port).
     */
    public record OAuthClient(String clientId, String clientSecret, Map<String, Object> jwks,
                              List<String> redirectUris, String tokenEndpointAuthMethod) {
        public OAuthClient {
            Objects.requireNonNull(clientId, "plainOAuth.client.clientId");
            redirectUris = redirectUris == null ? List.of() : List.copyOf(redirectUris);
            tokenEndpointAuthMethod = tokenEndpointAuthMethod == null
                    ? (clientSecret != null ? "client_secret_basic" : jwks != null ? "private_key_jwt" : "none")
                    : tokenEndpointAuthMethod;
        }
    }

    /** A person who can sign in at the IdP. Demo passwords equal the user name. */
    public record User(String username, String password, String name, String email) {
        public User {
            Objects.requireNonNull(username, "user.username");
            Objects.requireNonNull(password, "user.password");
        }
    }

    /** An MCP server known to the enterprise: its short name (path on the MCP port) and its scopes. */
    public record Resource(String name, String title, List<String> scopes) {
        public Resource {
            Objects.requireNonNull(name, "resource.name");
            scopes = List.copyOf(Objects.requireNonNull(scopes, "resource.scopes"));
        }
    }

    /** A named bundle of scopes, e.g. "notes-editor". */
    public record Profile(String name, List<String> scopes) {
        public Profile {
            Objects.requireNonNull(name, "profile.name");
            scopes = List.copyOf(Objects.requireNonNull(scopes, "profile.scopes"));
        }
    }

    /** What one user is entitled to: profiles and individual scopes. */
    public record Grant(String user, List<String> profiles, List<String> scopes) {
        public Grant {
            Objects.requireNonNull(user, "grant.user");
            profiles = profiles == null ? List.of() : List.copyOf(profiles);
            scopes = scopes == null ? List.of() : List.copyOf(scopes);
        }
    }

    /**
     * A client registered at the IdP. It authenticates with {@code clientSecret} (client_secret_basic or
     * client_secret_post) or with a key from {@code jwks} (private_key_jwt). {@code asClientId} is the id the
     * same client is registered under at the MCP authorization server; it becomes the ID-JAG's
     * {@code client_id} claim (docs/protocol.md §2).
     */
    public record IdpClient(String clientId, String clientSecret, Map<String, Object> jwks,
                            List<String> redirectUris, String asClientId) {
        public IdpClient {
            Objects.requireNonNull(clientId, "idpClient.clientId");
            redirectUris = redirectUris == null ? List.of() : List.copyOf(redirectUris);
            Objects.requireNonNull(asClientId, "idpClient.asClientId");
        }
    }

    /** A client registered at the MCP authorization server (secret and/or public keys). */
    public record AsClient(String clientId, String clientSecret, Map<String, Object> jwks) {
        public AsClient {
            Objects.requireNonNull(clientId, "asClient.clientId");
        }
    }

    public static Policy load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in).validated();
        }
    }

    public static Policy demo() {
        try (InputStream in = Policy.class.getResourceAsStream("/demo-policy.json")) {
            if (in == null) {
                throw new IllegalStateException("demo-policy.json is missing from the sample issuer jar");
            }
            return parse(in).validated();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in demo policy", e);
        }
    }

    static Policy parse(InputStream in) throws IOException {
        return JSON.readValue(in, Policy.class);
    }

    public Optional<User> user(String username) {
        return users.stream().filter(u -> u.username().equals(username)).findFirst();
    }

    public Optional<Resource> resource(String name) {
        return resources.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    public Optional<IdpClient> idpClient(String clientId) {
        return idpClients.stream().filter(c -> c.clientId().equals(clientId)).findFirst();
    }

    public Optional<AsClient> asClient(String clientId) {
        return asClients.stream().filter(c -> c.clientId().equals(clientId)).findFirst();
    }

    /**
     * Where {@code clientId} is registered: {@code "idp"} (an IdP client) and/or {@code "as"} (an MCP AS client);
     * empty when it is neither.
     */
    public List<String> clientRegistrations(String clientId) {
        List<String> where = new java.util.ArrayList<>(2);
        idpClient(clientId).ifPresent(c -> where.add("idp"));
        asClient(clientId).ifPresent(c -> where.add("as"));
        return where;
    }

    /** Every client id of the IdP and of the MCP AS (for error messages). */
    public Set<String> clientIds() {
        Set<String> ids = new java.util.LinkedHashSet<>();
        idpClients.forEach(c -> ids.add(c.clientId()));
        asClients.forEach(c -> ids.add(c.clientId()));
        return ids;
    }

    /** Fails with a message naming the first inconsistency (unknown profile, scope, user...). */
    Policy validated() {
        Set<String> allScopes = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (Resource r : resources) {
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("policy: resource '" + r.name() + "' is declared twice");
            }
            for (String s : r.scopes()) {
                if (!allScopes.add(s)) {
                    throw new IllegalArgumentException("policy: scope '" + s
                            + "' belongs to more than one resource; use server-specific scope names");
                }
            }
        }
        for (Profile p : profiles) {
            for (String s : p.scopes()) {
                requireScope(allScopes, s, "profile '" + p.name() + "'");
            }
        }
        for (Grant g : grants) {
            if (user(g.user()).isEmpty()) {
                throw new IllegalArgumentException("policy: grant for unknown user '" + g.user() + "'");
            }
            for (String p : g.profiles()) {
                if (profiles.stream().noneMatch(x -> x.name().equals(p))) {
                    throw new IllegalArgumentException("policy: grant for '" + g.user() + "' names unknown profile '" + p + "'");
                }
            }
            for (String s : g.scopes()) {
                requireScope(allScopes, s, "grant for '" + g.user() + "'");
            }
        }
        for (IdpClient c : idpClients) {
            if (c.clientSecret() == null && c.jwks() == null) {
                throw new IllegalArgumentException("policy: IdP client '" + c.clientId() + "' has neither a secret nor keys");
            }
        }
        for (AsClient c : asClients) {
            if (c.clientSecret() == null && c.jwks() == null) {
                throw new IllegalArgumentException("policy: AS client '" + c.clientId() + "' has neither a secret nor keys");
            }
        }
        validatePlainOAuth(names);
        for (ServiceClient c : headless.clients()) {
            if (asClient(c.clientId()).isEmpty()) {
                throw new IllegalArgumentException("policy: headless client '" + c.clientId()
                        + "' is not one of asClients; register it there with a secret or keys");
            }
            c.scopes().forEach(s -> requireScope(allScopes, s, "headless client '" + c.clientId() + "'"));
        }
        for (Workload w : headless.workloads()) {
            w.scopes().forEach(s -> requireScope(allScopes, s, "headless workload '" + w.subject() + "'"));
        }
        return this;
    }

    private void validatePlainOAuth(Set<String> enterpriseNames) {
        Set<String> plainScopes = new HashSet<>();
        for (Resource r : plainOAuth.resources()) {
            if (!enterpriseNames.add(r.name())) {
                throw new IllegalArgumentException("policy: plainOAuth resource '" + r.name()
                        + "' clashes with another resource of that name");
            }
            plainScopes.addAll(r.scopes());
        }
        for (Grant g : plainOAuth.grants()) {
            if (user(g.user()).isEmpty()) {
                throw new IllegalArgumentException("policy: plainOAuth grant for unknown user '" + g.user() + "'");
            }
            for (String s : g.scopes()) {
                requireScope(plainScopes, s, "plainOAuth grant for '" + g.user() + "'");
            }
        }
        for (OAuthClient c : plainOAuth.clients()) {
            String m = c.tokenEndpointAuthMethod();
            boolean ok = switch (m) {
                case "none" -> c.clientSecret() == null;
                case "client_secret_basic", "client_secret_post" -> c.clientSecret() != null;
                case "private_key_jwt" -> c.jwks() != null;
                default -> false;
            };
            if (!ok) {
                throw new IllegalArgumentException("policy: plainOAuth client '" + c.clientId()
                        + "': token_endpoint_auth_method '" + m + "' needs a clientSecret (secret methods), jwks "
                        + "(private_key_jwt) or neither (none)");
            }
        }
    }

    private static void requireScope(Set<String> known, String scope, String where) {
        if (!known.contains(scope)) {
            throw new IllegalArgumentException("policy: " + where + " names unknown scope '" + scope + "'");
        }
    }
}
