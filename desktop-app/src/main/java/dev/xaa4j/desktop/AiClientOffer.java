package dev.xaa4j.desktop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.connector.host.config.ClientInstaller.Client;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * "Add 2 servers to VS Code and Cursor": offers the organization's servers to the AI clients found on this machine
 * ({@link AiClients#found()}), writes their {@code xaa bridge NAME} entries on one confirm ({@link
 * dev.xaa4j.connector.host.config.ClientInstaller}), and remembers the answer
 * per server in {@code ai-clients.json} beside the config file ({@code {"answered": {"notes": "added"}}}), so a
 * server is offered once; a server the policy adds later is offered again. No secret is part of an entry or of
 * that file. No JavaFX; thread-safe (its methods are synchronized; the files are read and written on the caller's
 * thread, so call them off the FX thread).
 */
final class AiClientOffer {

    /**
     * One offer.
     *
     * @param clients  the AI clients found, in {@link Client} order (empty: none found, nothing to confirm)
     * @param servers  the servers to add, in configuration order
     * @param onDemand asked for with "Add to AI clients…" (not remembered as the first-run answer)
     */
    record Offer(List<Client> clients, List<String> servers, boolean onDemand) {
        Offer {
            clients = List.copyOf(clients);
            servers = List.copyOf(servers);
        }

        /** Whether this offer may take the place of {@code shown} (null: none shown): an on-demand one never replaces one that is not. */
        boolean replaces(Offer shown) {
            return shown == null || !onDemand || shown.onDemand;
        }

        /** The confirm button: "Add 2 servers to VS Code and Cursor", "Add notes to Claude Desktop". */
        String action() {
            String what = servers.size() == 1 ? servers.get(0) : servers.size() + " servers";
            return "Add " + what + " to " + and(clients.stream().map(AiClients::displayName).toList());
        }

        /** The line above the buttons, saying which servers and what an entry is. */
        String text() {
            if (clients.isEmpty()) {
                return "No AI client was found on this computer (VS Code, Claude Desktop or Cursor). Install one, open it"
                        + " once, then choose \"Add to AI clients…\" again.";
            }
            return (onDemand ? "Your servers " : "Your organization's servers ") + and(servers)
                    + " can be used from " + and(clients.stream().map(AiClients::displayName).toList())
                    + ". Each gets an entry that runs \"xaa bridge\"; no password or key goes into their settings.";
        }
    }

    static final String FILE = "ai-clients.json";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final AiClients clients;
    private final Path file;
    private Map<String, String> answered;

    /** @param file where the answers are kept ({@link #fileBeside}) */
    AiClientOffer(AiClients clients, Path file) {
        this.clients = clients;
        this.file = file;
    }

    /** {@code ai-clients.json} beside the config file. */
    static Path fileBeside(Path configFile) {
        return configFile.toAbsolutePath().getParent().resolve(FILE);
    }

    /**
     * The offer still due for {@code servers} (the organization's): those not answered yet, to the clients found.
     * Empty when every server was answered or no AI client is installed (then nothing is remembered, so a client
     * installed later is offered the servers).
     */
    synchronized Optional<Offer> due(Collection<String> servers) {
        List<String> open = servers.stream().filter(s -> !answers().containsKey(s)).toList();
        List<Client> found = clients.found();
        return open.isEmpty() || found.isEmpty() ? Optional.empty() : Optional.of(new Offer(found, open, false));
    }

    /** Whether any server was answered before: a server offered now is then one the policy added later. */
    synchronized boolean answeredBefore() {
        return !answers().isEmpty();
    }

    /** "Add to AI clients…": {@code servers} to the clients found now, whatever was answered before. */
    Offer onDemand(Collection<String> servers) {
        return new Offer(clients.found(), List.copyOf(servers), true);
    }

    /**
     * Writes every server's entry into every client's config file (other entries kept; a different entry of the
     * same name is left alone and named in the result) and remembers as answered ("added") the servers written to
     * at least one client; a server no client took is offered again at the next start.
     *
     * @return what was done, in words, one sentence per problem
     */
    synchronized String accept(Offer offer) {
        List<String> problems = new ArrayList<>();
        List<String> done = new ArrayList<>();
        java.util.Set<String> written = new java.util.LinkedHashSet<>();
        for (Client c : offer.clients()) {
            int ok = 0;
            for (String s : offer.servers()) {
                try {
                    clients.install(c, s, false);
                    ok++;
                    written.add(s);
                } catch (RuntimeException e) {
                    problems.add(AiClients.displayName(c) + ": " + String.valueOf(e.getMessage()).replace("; rerun with --force to replace it,"
                            + " or pick another --name", "; left as it is") + ".");
                }
            }
            if (ok > 0) {
                done.add(AiClients.displayName(c));
            }
        }
        remember(written, "added");
        String head = done.isEmpty() ? "Nothing was added."
                : "Added " + and(offer.servers()) + " to " + and(done) + ". Restart " + (done.size() == 1 ? "it" : "them")
                + " to use " + (offer.servers().size() == 1 ? "it." : "them.");
        return problems.isEmpty() ? head : head + " " + String.join(" ", problems);
    }

    /** "Not now": the servers are not offered again at start ("Add to AI clients…" still adds them). */
    synchronized void decline(Offer offer) {
        remember(offer.servers(), "declined");
    }

    private Map<String, String> answers() {
        if (answered == null) {
            answered = new LinkedHashMap<>();
            try {
                if (Files.exists(file)) {
                    MAPPER.readTree(file.toFile()).path("answered").fields()
                            .forEachRemaining(e -> answered.put(e.getKey(), e.getValue().asText()));
                }
            } catch (IOException | RuntimeException e) {
                // a broken file only means the servers are offered again
                org.slf4j.LoggerFactory.getLogger(AiClientOffer.class).warn("ignoring {}: {}", file, e.toString());
            }
        }
        return answered;
    }

    private void remember(Collection<String> servers, String answer) {
        servers.forEach(s -> answers().put(s, answer));
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode a = root.putObject("answered");
        answers().forEach(a::put);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".ai-clients-", ".json.tmp");
            Files.write(tmp, MAPPER.writeValueAsBytes(root));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(AiClientOffer.class).warn("cannot save {}: {}", file, e.toString());
        }
    }

    /** "a", "a and b", "a, b and c". */
    static String and(List<String> items) {
        if (items.size() <= 1) {
            return items.isEmpty() ? "" : items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    /** The remembered answer for {@code server} ({@code added} or {@code declined}), if any. */
    synchronized Optional<String> answer(String server) {
        return Optional.ofNullable(answers().get(server));
    }
}
