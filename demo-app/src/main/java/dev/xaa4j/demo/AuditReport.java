package dev.xaa4j.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The sample issuer's {@code audit.jsonl}, one decision per line, as a table a person can read: time, event,
 * user, decision, server, scopes, reason (server URLs shown by name), then one plain sentence per kind of entry
 * ({@link AuditSentences}). The file never holds token bytes.
 */
final class AuditReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditReport() {
    }

    static void print(SampleIssuerProcess.Endpoints issuer, PrintStream out) throws IOException {
        List<String> lines = Files.readAllLines(issuer.audit());
        List<JsonNode> entries = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                entries.add(JSON.readTree(line));
            }
        }
        out.printf("    %-8s  %-18s  %-6s  %-8s  %-8s  %s%n", "time", "event", "user", "decision", "server", "scopes / reason");
        for (JsonNode e : entries) {
            String time = e.path("time").asText();
            time = time.length() >= 19 ? time.substring(11, 19) : time;
            List<String> detail = new ArrayList<>();
            String asked = join(e.path("scopesRequested"));
            if (e.has("scopesGranted") && !e.path("scopesGranted").isEmpty()) {
                String granted = join(e.path("scopesGranted"));
                detail.add(asked.isEmpty() || asked.equals(granted) ? "granted " + granted : "asked " + asked + ", granted " + granted);
            } else if (e.has("scopesRequested") && !e.path("scopesRequested").isEmpty()) {
                detail.add("asked " + join(e.path("scopesRequested")));
            }
            if (e.hasNonNull("reason")) {
                detail.add(e.path("reason").asText());
            }
            out.printf("    %-8s  %-18s  %-6s  %-8s  %-8s  %s%n", time, e.path("event").asText(), e.path("user").asText("-"),
                    e.path("decision").asText(), server(issuer, e), String.join("; ", detail));
        }
        out.println("    (" + entries.size() + " JSON lines in audit.jsonl, shown as a table; no token bytes are ever written there)");
        out.println();
        out.println("    In plain words, one line per kind of entry:");
        AuditSentences.byKind(entries, e -> server(issuer, e))
                .forEach((kind, sentence) -> out.printf("    %-24s  %s%n", kind, sentence));
    }

    private static String server(SampleIssuerProcess.Endpoints issuer, JsonNode e) {
        String resource = e.path("resource").asText("");
        if (resource.equals(issuer.notes())) {
            return "notes";
        }
        if (resource.equals(issuer.tickets())) {
            return "tickets";
        }
        return resource.isEmpty() ? "-" : resource;
    }

    private static String join(JsonNode array) {
        List<String> s = new ArrayList<>();
        array.forEach(n -> s.add(n.asText()));
        return String.join(" ", s);
    }
}
