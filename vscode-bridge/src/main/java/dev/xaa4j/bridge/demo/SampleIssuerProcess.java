package dev.xaa4j.bridge.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sample issuer as a child process on free loopback ports ({@code --port-base 0}) with its own state
 * directory; ready when it prints its one JSON line on stdout. Its log goes to {@code issuer.log} beside the
 * state directory.
 */
final class SampleIssuerProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    /** The ready line, as the sample issuer prints it. */
    record Endpoints(String idp, String as, String notes, String tickets, Path audit) {
    }

    private final Process process;
    private final Endpoints endpoints;

    private SampleIssuerProcess(Process process, Endpoints endpoints) {
        this.process = process;
        this.endpoints = endpoints;
    }

    /** @param command how to run the sample issuer's main (java … SampleIssuerMain or java -jar sample-issuer.jar) */
    static SampleIssuerProcess start(List<String> command, Path dir) throws IOException, InterruptedException {
        Path log = dir.resolve("issuer.log");
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of("--port-base", "0", "--state-dir", dir.resolve("issuer").toString()));
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
                Path.of(doc.path("audit").asText()));
        return new SampleIssuerProcess(p, e);
    }

    Endpoints endpoints() {
        return endpoints;
    }

    @Override
    public void close() {
        XaaCommandLine.terminate(process); // SIGTERM: the issuer's shutdown hook closes its servers
    }
}
