package dev.xaa4j.connector;

import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The servers of a running {@link Connector}: a concurrent map the renewal chain reads on every renewal, and the
 * same servers in configuration order for {@link Connector#servers()} (an immutable snapshot, replaced on each
 * change), and the RFC 9728 metadata URL discovery used for each. Changes are serialized; reads never lock.
 */
final class ServerTable {

    private final Map<String, ServerConfig> live = new ConcurrentHashMap<>();
    private volatile Map<String, ServerConfig> ordered;
    private final Map<String, URI> resourceMetadataUsed = new ConcurrentHashMap<>();

    ServerTable(Map<String, ServerConfig> initial) {
        live.putAll(initial);
        ordered = Collections.unmodifiableMap(new LinkedHashMap<>(initial));
    }

    /** A read-only live view: sees later {@link #add}s and {@link #remove}s. */
    Map<String, ServerConfig> live() {
        return Collections.unmodifiableMap(live);
    }

    boolean contains(String name) {
        return live.containsKey(name);
    }

    ServerConfig get(String name) {
        return live.get(name);
    }

    Map<String, ServerConfig> snapshot() {
        return ordered;
    }

    synchronized void add(ServerConfig server) {
        if (live.putIfAbsent(server.name(), server) != null) {
            throw new IllegalArgumentException("server '" + server.name() + "' configured twice");
        }
        Map<String, ServerConfig> next = new LinkedHashMap<>(ordered);
        next.put(server.name(), server);
        ordered = Collections.unmodifiableMap(next);
    }

    synchronized boolean remove(String name) {
        if (live.remove(name) == null) {
            return false;
        }
        Map<String, ServerConfig> next = new LinkedHashMap<>(ordered);
        next.remove(name);
        ordered = Collections.unmodifiableMap(next);
        resourceMetadataUsed.remove(name);
        return true;
    }

    /**
     * Records which resource metadata discovery used for {@code server} (none for a 2025-03-26 server discovered
     * without RFC 9728 metadata: {@link ServerMetadata.Source#LEGACY_METADATA}/{@code LEGACY_DEFAULTS}); returns
     * {@code found}.
     */
    ServerMetadata discovered(ServerConfig server, ServerMetadata found) {
        if (found.resourceMetadataUrl() == null) {
            resourceMetadataUsed.remove(server.name());
        } else {
            resourceMetadataUsed.put(server.name(), found.resourceMetadataUrl());
        }
        return found;
    }

    /**
     * The server URL whose discovery is stale: a 401 challenge named a {@code resource_metadata} other than the one
     * discovery used (docs/protocol.md §6 step 10); empty otherwise.
     */
    Optional<URI> staleDiscovery(String server, Optional<URI> challengedResourceMetadata) {
        ServerConfig config = live.get(server);
        URI known = resourceMetadataUsed.get(server);
        if (config != null && known != null && challengedResourceMetadata.isPresent()
                && !challengedResourceMetadata.get().equals(known)) {
            return Optional.of(config.url());
        }
        return Optional.empty();
    }
}
