package dev.xaa4j.sample.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;

/**
 * Appends one JSON line per decision (sign-in, refresh, token exchange, jwt-bearer) to the audit file.
 * Only identifiers and decisions are written, never token bytes, codes or secrets.
 */
public final class AuditLog implements AutoCloseable {

    /**
     * One audited decision. {@code null} fields are omitted from the line. {@code dpop} says whether the token
     * request or MCP request was DPoP-bound (RFC 9449) and {@code jkt} is then the proof key's RFC 7638 thumbprint
     * (public; never the proof or the token); both are absent where DPoP does not apply.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String time, String event, String user, String client, String audience, String resource,
                        List<String> scopesRequested, List<String> scopesGranted, String decision,
                        String reason, String subjectTokenType, Boolean dpop, String jkt) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Clock clock;
    private final Writer out;

    public AuditLog(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit file " + file, e);
        }
    }

    public Path file() {
        return file;
    }

    /**
     * Records one decision.
     *
     * @param event    {@code sign-in}, {@code refresh}, {@code token-exchange} or {@code jwt-bearer}
     * @param decision {@code allow} or {@code deny}
     */
    public void record(String event, String user, String client, String audience, String resource,
                       List<String> scopesRequested, List<String> scopesGranted, String decision,
                       String reason) {
        record(event, user, client, audience, resource, scopesRequested, scopesGranted, decision, reason, null, null,
                null);
    }

    /**
     * As {@link #record(String, String, String, String, String, List, List, String, String)}, for a token
     * exchange also naming the kind of {@code subject_token} presented ({@code id_token}, {@code refresh_token}).
     */
    public void record(String event, String user, String client, String audience, String resource,
                       List<String> scopesRequested, List<String> scopesGranted, String decision,
                       String reason, String subjectTokenType) {
        record(event, user, client, audience, resource, scopesRequested, scopesGranted, decision, reason,
                subjectTokenType, null, null);
    }

    /**
     * Records one decision about a request DPoP applies to (a token request or an MCP request).
     *
     * @param dpop whether the request was DPoP-bound (a valid proof); {@code null} when not known (refused before)
     * @param jkt  the proof key's RFC 7638 thumbprint when {@code dpop}, else {@code null}
     */
    public void record(String event, String user, String client, String audience, String resource,
                       List<String> scopesRequested, List<String> scopesGranted, String decision,
                       String reason, Boolean dpop, String jkt) {
        record(event, user, client, audience, resource, scopesRequested, scopesGranted, decision, reason, null, dpop,
                jkt);
    }

    /** The whole entry: {@code subjectTokenType}, {@code dpop} and {@code jkt} may each be {@code null} (left out). */
    public void record(String event, String user, String client, String audience, String resource,
                       List<String> scopesRequested, List<String> scopesGranted, String decision,
                       String reason, String subjectTokenType, Boolean dpop, String jkt) {
        Entry e = new Entry(clock.instant().toString(), event, user, client, audience, resource,
                scopesRequested, scopesGranted, decision, reason, subjectTokenType, dpop, jkt);
        try {
            String line = JSON.writeValueAsString(e);
            synchronized (this) {
                out.write(line);
                out.write('\n');
                out.flush();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to the audit file " + file, ex);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
