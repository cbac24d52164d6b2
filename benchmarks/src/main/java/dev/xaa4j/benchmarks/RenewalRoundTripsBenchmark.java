package dev.xaa4j.benchmarks;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.sun.net.httpserver.HttpServer;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.grant.ClientAuthFactory;
import dev.xaa4j.connector.internal.grant.IdJagExchange;
import dev.xaa4j.connector.internal.grant.JwtBearerGrant;
import dev.xaa4j.connector.internal.token.IdTokenProvider;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.XaaTokenFetcher;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One renewal (token exchange + jwt-bearer, docs/protocol.md §1 steps 2–3) with discovery cached, against a local
 * IdP/AS on the JDK HTTP server that counts requests. The {@code roundTrips} counter divided by the op
 * count is the number of HTTP round trips per renewal: exactly 2.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar RenewalRoundTripsBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RenewalRoundTripsBenchmark {

    static final AtomicLong REQUESTS = new AtomicLong();

    private HttpServer http;
    private TokenFetcher fetcher;

    /** Per-thread counters reported next to the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class RoundTrips {
        public long renewals;
        public long roundTrips;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/idp/token", ex -> {
            REQUESTS.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            reply(ex, "{\"issued_token_type\":\"urn:ietf:params:oauth:token-type:id-jag\",\"access_token\":\"jag\","
                    + "\"token_type\":\"N_A\",\"expires_in\":300,\"scope\":\"notes.read\"}");
        });
        http.createContext("/as/token", ex -> {
            REQUESTS.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            reply(ex, "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":5,\"scope\":\"notes.read\"}");
        });
        http.start();
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        AuthorizationServerMetadata as = new AuthorizationServerMetadata(new Issuer("https://as.bench"));
        as.setTokenEndpointURI(URI.create(base + "/as/token"));
        ServerMetadata cached = new ServerMetadata(URI.create("https://mcp.bench/notes/mcp"), "https://mcp.bench/notes/mcp",
                as, List.of("notes.read"), Optional.empty(), URI.create("https://mcp.bench/.well-known/oauth-protected-resource"));
        ClientCredentialsSource secrets = ClientCredentialsSource.ofSecrets(Map.of("idp", "s1", "agent", "s2"));
        IdTokenProvider idTokens = new IdTokenProvider() {
            public String idToken() {
                return "id-token";
            }

            public String renewAfterRejection(String rejected) {
                return "id-token";
            }
        };
        Clock clock = Clock.systemUTC();
        fetcher = new XaaTokenFetcher("https://idp.bench", () -> URI.create(base + "/idp/token"),
                ClientAuthFactory.create(ClientAuthMethod.CLIENT_SECRET_BASIC, "https://idp.bench", "idp", secrets),
                Map.of("notes", ServerConfig.of("notes", URI.create("https://mcp.bench/notes/mcp"), "agent",
                        ClientAuthMethod.CLIENT_SECRET_BASIC)),
                cfg -> cached, secrets, idTokens, new IdJagExchange(clock, Duration.ofSeconds(5)),
                new JwtBearerGrant(clock, Duration.ofSeconds(5)));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        http.stop(0);
    }

    @Benchmark
    public TokenFetcher.Fetched renewal(RoundTrips counters) {
        long before = REQUESTS.get();
        TokenFetcher.Fetched f = fetcher.fetch("notes", Set.of());
        counters.roundTrips += REQUESTS.get() - before;
        counters.renewals++;
        return f;
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, String json) throws java.io.IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.getResponseHeaders().add("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
