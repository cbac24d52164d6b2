package dev.xaa4j.bridge.session;

import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.MissingClientSecretException;
import dev.xaa4j.connector.host.config.ConnectorFactory;
import dev.xaa4j.connector.host.config.IdpSettings;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.connector.internal.discovery.Discovery;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The client secrets of a session owner that keeps everything in memory ({@code xaa agent --memory}): read once
 * at start from its environment ({@value #IDP_ENV}, {@value #AS_ENV_PREFIX}{@code <SERVER>}) and from a file
 * descriptor ({@code idp-client-secret=…} and {@code as-client-secret.<server>=…} lines), never from argv, never
 * written anywhere. A secret given on the file descriptor wins over the environment. Values are never part of a
 * message, a log line or {@link #toString()}. Immutable; thread-safe.
 */
public final class MemorySecrets {

    /** The IdP client's secret in the agent's environment. */
    public static final String IDP_ENV = "XAA_IDP_CLIENT_SECRET";
    /** Followed by the server name upper-cased, every character outside [A-Z0-9] as {@code _}. */
    public static final String AS_ENV_PREFIX = "XAA_AS_CLIENT_SECRET_";
    /** The names on the file descriptor, as in {@code xaa secret set}: this one, and {@link #AS_LINE_PREFIX}SERVER. */
    public static final String IDP_LINE = "idp-client-secret";
    /** {@code xaa secret set}'s name for a server's AS client secret. */
    public static final String AS_LINE_NAME = "as-client-secret";
    public static final String AS_LINE_PREFIX = AS_LINE_NAME + ".";

    private final Map<String, String> env;
    private final Map<String, String> lines;

    private MemorySecrets(Map<String, String> env, Map<String, String> lines) {
        this.env = Map.copyOf(env);
        this.lines = Map.copyOf(lines);
    }

    /**
     * The secrets in {@code environment} (only the variables named above are kept) and, when given, the lines
     * read from {@code fd} until end of file.
     *
     * @throws IllegalArgumentException a line that is not {@code NAME=VALUE} with a known name (the message
     *                                  gives the line number, never its content)
     */
    public static MemorySecrets read(Map<String, String> environment, Optional<Reader> fd) throws IOException {
        Map<String, String> env = new HashMap<>();
        environment.forEach((k, v) -> {
            if (isSecretVariable(k) && v != null && !v.isBlank()) {
                env.put(k, v.strip());
            }
        });
        Map<String, String> lines = new HashMap<>();
        if (fd.isPresent()) {
            BufferedReader in = new BufferedReader(fd.get());
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank() || line.stripLeading().startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                String name = eq < 0 ? "" : line.substring(0, eq).strip();
                String value = eq < 0 ? "" : line.substring(eq + 1).strip();
                boolean known = name.equals(IDP_LINE) || name.startsWith(AS_LINE_PREFIX) && name.length() > AS_LINE_PREFIX.length();
                if (!known || value.isEmpty()) {
                    throw new IllegalArgumentException("--secrets-fd: line " + number + " is not `" + IDP_LINE
                            + "=SECRET` or `" + AS_LINE_PREFIX + "SERVER=SECRET`");
                }
                lines.put(name, value);
            }
        }
        return new MemorySecrets(env, lines);
    }

    /** {@value #AS_ENV_PREFIX} and {@code server} upper-cased, every character outside [A-Z0-9] as {@code _}. */
    public static String asEnvName(String server) {
        return AS_ENV_PREFIX + server.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** Names of the environment variables that carry secrets (to keep them from child processes). */
    public static boolean isSecretVariable(String name) {
        return name.equals(IDP_ENV) || name.startsWith(AS_ENV_PREFIX);
    }

    /** How many secrets were given (for the start-up line; never which values). */
    public int count() {
        return env.size() + lines.size();
    }

    Optional<String> idp() {
        return Optional.ofNullable(lines.get(IDP_LINE)).or(() -> Optional.ofNullable(env.get(IDP_ENV)));
    }

    Optional<String> as(String server) {
        return Optional.ofNullable(lines.get(AS_LINE_PREFIX + server)).or(() -> Optional.ofNullable(env.get(asEnvName(server))));
    }

    /**
     * These secrets for the connector of {@code config}: the IdP client's for (IdP issuer, IdP client id); a
     * server's for its authorization server's (issuer, AS client id), the issuer pinned or discovered as
     * {@code xaa secret set} does.
     */
    public ClientCredentialsSource forConfig(XaaConfig config) {
        return forConfig(() -> config);
    }

    /**
     * As {@link #forConfig(XaaConfig)} for the configuration {@code config} supplies at each request: a session host
     * adds servers to its running connector, and their secrets are found by the servers' names then.
     */
    public ClientCredentialsSource forConfig(Supplier<XaaConfig> config) {
        return new Source(config, u -> new Discovery().server(u).asIssuer());
    }

    ClientCredentialsSource forConfig(XaaConfig config, Function<URI, String> discoverAsIssuer) {
        return new Source(() -> config, discoverAsIssuer);
    }

    /**
     * One warning per client secret that {@code config} needs (its IdP client authenticates with
     * {@code client_secret_basic} or {@code client_secret_post}, and every server's AS client with the same method)
     * and these secrets lack, in the words of {@link ClientCredentialsSource#missingSecret}; empty when none is
     * missing or no IdP is configured. Names variables and lines, never a value.
     */
    public List<String> missingFor(XaaConfig config) {
        Optional<IdpSettings> idp = ConnectorFactory.idp(config);
        if (idp.isEmpty()) {
            return List.of();
        }
        ClientAuthMethod method = ConnectorFactory.method(idp.get().authMethod());
        if (method != ClientAuthMethod.CLIENT_SECRET_BASIC && method != ClientAuthMethod.CLIENT_SECRET_POST) {
            return List.of();
        }
        String auth = " (auth method " + method.name().toLowerCase(Locale.ROOT) + "): ";
        List<String> missing = new ArrayList<>();
        if (idp().isEmpty()) {
            missing.add("No client secret for client " + idp.get().clientId() + " at " + idp.get().issuer() + auth
                    + "`xaa login` needs it; " + howToProvide(IDP_ENV, IDP_LINE));
        }
        config.servers().forEach((name, entry) -> {
            if (as(name).isEmpty()) {
                String clientId = ConnectorFactory.asClientId(entry, idp.get().clientId());
                missing.add("No client secret for client " + clientId + " at the authorization server of '" + name + "'"
                        + auth + "its tokens need it; " + howToProvide(asEnvName(name), AS_LINE_PREFIX + name));
            }
        });
        return missing;
    }

    /** How a memory agent gets a secret: only at its start, from {@code env} or a {@code line} on its descriptor. */
    private static String howToProvide(String env, String line) {
        return "the agent keeps the session and the secrets only in its memory, so secrets come from its start: stop "
                + "it and start it again with " + env + " set in its environment (`" + env + "=… xaa agent --memory`), "
                + "or with an `" + line + "=…` line on `xaa agent --memory --secrets-fd N`";
    }

    @Override
    public String toString() {
        return "MemorySecrets[" + count() + " secret(s)]";
    }

    private final class Source implements ClientCredentialsSource {
        private final Supplier<XaaConfig> config;
        private final Function<URI, String> discoverAsIssuer;
        private final Map<String, String> asIssuers = new ConcurrentHashMap<>();

        Source(Supplier<XaaConfig> config, Function<URI, String> discoverAsIssuer) {
            this.config = config;
            this.discoverAsIssuer = discoverAsIssuer;
        }

        @Override
        public Optional<String> clientSecret(String issuer, String clientId) {
            if (isIdp(issuer, clientId)) {
                return idp();
            }
            return server(issuer, clientId).flatMap(MemorySecrets.this::as);
        }

        @Override
        public MissingClientSecretException missingSecret(String issuer, String clientId) {
            String env;
            String line;
            if (isIdp(issuer, clientId)) {
                env = IDP_ENV;
                line = IDP_LINE;
            } else {
                Optional<String> server = server(issuer, clientId);
                env = server.map(MemorySecrets::asEnvName).orElse(AS_ENV_PREFIX + "<SERVER>");
                line = AS_LINE_PREFIX + server.orElse("<server>");
            }
            return new MissingClientSecretException(issuer, clientId, howToProvide(env, line));
        }

        private boolean isIdp(String issuer, String clientId) {
            Optional<IdpSettings> idp = ConnectorFactory.idp(config.get());
            return idp.isPresent() && idp.get().issuer().equals(issuer) && idp.get().clientId().equals(clientId);
        }

        /** The configured server whose AS client is (issuer, clientId): pinned issuers first, then discovered. */
        private Optional<String> server(String issuer, String clientId) {
            XaaConfig now = config.get();
            String idpClient = ConnectorFactory.idp(now).map(IdpSettings::clientId).orElse(null);
            List<Map.Entry<String, ServerEntry>> candidates = now.servers().entrySet().stream()
                    .filter(e -> clientId.equals(ConnectorFactory.asClientId(e.getValue(), idpClient)))
                    .filter(e -> e.getValue().pinnedAsIssuer() == null || e.getValue().pinnedAsIssuer().equals(issuer))
                    .toList();
            Optional<String> pinned = candidates.stream().filter(e -> e.getValue().pinnedAsIssuer() != null)
                    .map(Map.Entry::getKey).findFirst();
            if (pinned.isPresent() || candidates.size() <= 1) {
                return pinned.or(() -> candidates.stream().map(Map.Entry::getKey).findFirst());
            }
            return candidates.stream().filter(e -> issuer.equals(asIssuer(e.getKey(), e.getValue())))
                    .map(Map.Entry::getKey).findFirst();
        }

        private String asIssuer(String name, ServerEntry entry) {
            try {
                return asIssuers.computeIfAbsent(name, n -> discoverAsIssuer.apply(URI.create(entry.url())));
            } catch (RuntimeException undiscoverable) {
                return null; // not this one, as far as we can tell
            }
        }
    }
}
