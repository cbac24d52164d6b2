package dev.xaa4j.bridge.cli;

import dev.xaa4j.bridge.proxy.UpstreamAuth;
import java.util.Optional;

/**
 * The bridge's token source when the connector engine is not part of the build: nobody is signed in, so
 * the bridge answers {@code initialize} and reports "Not signed in" for tool calls.
 */
final class EngineAuth implements UpstreamAuth {

    static UpstreamAuth create(boolean interactive) {
        return new EngineAuth();
    }

    @Override
    public Optional<String> authorization(String server) {
        return Optional.empty();
    }

    @Override
    public void unauthorized(String server) {
    }

    @Override
    public boolean stepUp(String server, String scope) {
        return false;
    }
}
