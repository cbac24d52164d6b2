package dev.xaa4j.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sample issuer as a child process on free loopback ports ({@code --port-base 0}) with its own state
 * directory, in its dev-only auto-approve mode ({@code --dev-auto-approve USER}: its authorization endpoint
 * signs that user in without a login form, so the demo's browser is a plain {@link RedirectFollower});
 * {@link #autoApprove} switches the user through the issuer's admin API. Ready when it prints its one JSON
 * line on stdout. Its log goes to {@code issuer.log} beside the state directory.
 */
final class SampleIssuerProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    /** The ready line, as the sample issuer prints it. */
    record Endpoints(String idp, String as, String notes, String tickets, Path audit, Path adminTokenFile) {
    }

    private final Process process;
    private final Endpoints endpoints;

    private SampleIssuerProcess(Process process, Endpoints endpoints) {
        this.process = process;
        this.endpoints = endpoints;
    }

    /**
     * @param command how to run the sample issuer's main (java … SampleIssuerMain or java -jar sample-issuer.jar)
     * @param user    the demo user its authorization endpoint signs in first
     */
    static SampleIssuerProcess start(List<String> command, Path dir, String user) throws IOException, InterruptedException {
        Path log = dir.resolve("issuer.log");
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of("--port-base", "0", "--state-dir", dir.resolve("issuer").toString(), "--dev-auto-approve", user));
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }, XaaCommandLine.PIPES);
        String line;
        try {
            line = ready.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            line = null;
        }
        if (line == null) {
            p.destroyForcibly();
            throw new IOException("the sample issuer did not start within " + READY_TIMEOUT.toSeconds() + " s; its log:\n"
                    + (Files.exists(log) ? Files.readString(log) : "(none)"));
        }
        JsonNode doc = new ObjectMapper().readTree(line);
        Endpoints e = new Endpoints(doc.path("idp").asText(), doc.path("as").asText(),
                doc.path("servers").path("notes").asText(), doc.path("servers").path("tickets").asText(),
                Path.of(doc.path("audit").asText()), Path.of(doc.path("adminTokenFile").asText()));
        return new SampleIssuerProcess(p, e);
    }

    /**
     * Makes the issuer sign {@code user} in from now on ({@code POST /admin/dev-auto-approve} with the admin
     * token from its file; neither is shown).
     *
     * @throws IOException when the issuer does not answer 200; the message holds its answer
     */
    void autoApprove(String user) throws IOException, InterruptedException {
        String token = Files.readString(endpoints.adminTokenFile()).trim();
        HttpRequest switchUser = HttpRequest.newBuilder(URI.create(endpoints.idp() + "/admin/dev-auto-approve"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new ObjectMapper().writeValueAsString(Map.of("user", user))))
                .build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(switchUser, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("the sample issuer did not switch its auto-approved user to " + user + " (HTTP "
                    + r.statusCode() + "): " + r.body());
        }
    }

    Endpoints endpoints() {
        return endpoints;
    }

    @Override
    public void close() {
        XaaCommandLine.terminate(process); // SIGTERM: the issuer's shutdown hook closes its servers
    }
}
