package dev.xaa4j.sample.mcp;

import dev.xaa4j.sample.policy.Policy;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tools of each sample MCP server, doing real work in memory, per user ({@code sub}): {@code notes}
 * (whoami, list_notes, add_note), {@code tickets} (whoami, list_tickets, create_ticket); any other policy
 * resource gets {@code whoami} only.
 */
final class Tools {

    private Tools() {
    }

    static List<ScopedTool> forResource(Policy.Resource resource, URI resourceUri, Clock clock) {
        List<ScopedTool> tools = new ArrayList<>();
        tools.add(whoami(resource, resourceUri));
        switch (resource.name()) {
            case "notes" -> tools.addAll(notes(resource, clock));
            case "tickets" -> tools.addAll(tickets(resource, clock));
            case "wiki" -> tools.addAll(wiki(resource, clock));
            default -> { }
        }
        return tools;
    }

    /** The resource's read scope: the one named {@code *.read}, else its first scope. */
    static String readScope(Policy.Resource r) {
        return r.scopes().stream().filter(s -> s.endsWith(".read") || s.endsWith(":read")).findFirst()
                .orElse(r.scopes().get(0));
    }

    static String writeScope(Policy.Resource r) {
        return r.scopes().stream().filter(s -> s.endsWith(".write") || s.endsWith(":write")).findFirst()
                .orElse(r.scopes().get(r.scopes().size() - 1));
    }

    private static ScopedTool whoami(Policy.Resource r, URI resourceUri) {
        return ScopedTool.of("whoami",
                "Who the server sees calling: user (sub), client_id, granted scopes and this server's resource id.",
                ScopedTool.objectSchema(Map.of(), List.of()), Optional.empty(), r.scopes(),
                (caller, args) -> caller.describe(resourceUri.toString()));
    }

    record Note(long id, String text, String created) {
    }

    record Ticket(String id, String title, String description, String status, String created) {
    }

    private static List<ScopedTool> notes(Policy.Resource r, Clock clock) {
        Map<String, List<Note>> byUser = new ConcurrentHashMap<>();
        AtomicLong ids = new AtomicLong();
        ScopedTool list = listTool("list_notes", "List your notes, oldest first.", "notes", r, byUser);
        ScopedTool add = ScopedTool.of("add_note", "Add a note for yourself.",
                ScopedTool.objectSchema(Map.of("text", "The note's text"), List.of("text")),
                Optional.of(writeScope(r)), r.scopes(),
                (caller, args) -> {
                    Note note = new Note(ids.incrementAndGet(), ScopedTool.requiredString(args, "text", 10_000),
                            clock.instant().toString());
                    byUser.computeIfAbsent(caller.subject(), u -> new CopyOnWriteArrayList<>()).add(note);
                    return Map.of("note", note);
                });
        return List.of(list, add);
    }

    record Page(String title, String text, String editedBy, String edited) {
    }

    /**
     * The wiki's tools (also those of a server trusting an external AS): {@code list_pages} needs the read scope,
     * {@code edit_page} the write scope. Pages are shared by all users.
     */
    static List<ScopedTool> wiki(Policy.Resource r, Clock clock) {
        Map<String, Page> pages = new ConcurrentHashMap<>();
        ScopedTool list = ScopedTool.of("list_pages", "List the wiki's pages.", ScopedTool.objectSchema(Map.of(), List.of()),
                Optional.of(readScope(r)), r.scopes(), (caller, args) -> Map.of("pages", List.copyOf(pages.values())));
        Map<String, String> props = new LinkedHashMap<>();
        props.put("title", "The page's title");
        props.put("text", "The page's new text");
        ScopedTool edit = ScopedTool.of("edit_page", "Create or replace a wiki page.",
                ScopedTool.objectSchema(props, List.of("title", "text")), Optional.of(writeScope(r)), r.scopes(),
                (caller, args) -> {
                    Page p = new Page(ScopedTool.requiredString(args, "title", 200),
                            ScopedTool.requiredString(args, "text", 10_000), caller.subject(), clock.instant().toString());
                    pages.put(p.title(), p);
                    return Map.of("page", p);
                });
        return List.of(list, edit);
    }

    private static List<ScopedTool> tickets(Policy.Resource r, Clock clock) {
        Map<String, List<Ticket>> byUser = new ConcurrentHashMap<>();
        AtomicLong ids = new AtomicLong();
        ScopedTool list = listTool("list_tickets", "List the tickets you opened, oldest first.", "tickets", r, byUser);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("title", "A one-line summary");
        props.put("description", "Details (optional)");
        ScopedTool create = ScopedTool.of("create_ticket", "Open a ticket.",
                ScopedTool.objectSchema(props, List.of("title")), Optional.of(writeScope(r)), r.scopes(),
                (caller, args) -> {
                    String title = ScopedTool.requiredString(args, "title", 200);
                    Object d = args.get("description");
                    if (d != null && !(d instanceof String)) {
                        throw new ScopedTool.ToolInputException("'description' must be a string");
                    }
                    Ticket t = new Ticket("T-" + ids.incrementAndGet(), title, d == null ? "" : (String) d, "open",
                            clock.instant().toString());
                    byUser.computeIfAbsent(caller.subject(), u -> new CopyOnWriteArrayList<>()).add(t);
                    return Map.of("ticket", t);
                });
        return List.of(list, create);
    }

    /** A tool without arguments, needing the read scope, answering {@code {key: [the caller's items]}}. */
    private static <T> ScopedTool listTool(String name, String description, String key, Policy.Resource r,
                                           Map<String, List<T>> byUser) {
        return ScopedTool.of(name, description, ScopedTool.objectSchema(Map.of(), List.of()),
                Optional.of(readScope(r)), r.scopes(),
                (caller, args) -> Map.of(key, List.copyOf(byUser.getOrDefault(caller.subject(), List.of()))));
    }
}
