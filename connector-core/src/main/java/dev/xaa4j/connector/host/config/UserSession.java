package dev.xaa4j.connector.host.config;

import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.host.SharedTokenSource;
import java.util.Optional;

/**
 * The current user's session as a library in any process sees it (docs/architecture.md "One token source"): the
 * running broker (the tray app or {@code xaa agent}) while one runs, else a connector of this process built on first
 * use from the user's configuration ({@link ConfigStore#forCurrentUser}, session and client secrets in the OS
 * keyring), exactly as the {@code xaa} command builds its own. Used by the framework modules (Spring AI,
 * LangChain4j). Stateless.
 */
public final class UserSession {

    private UserSession() {
    }

    /** The shared token source of {@code store}'s user; nothing is read or connected before the first token. */
    public static SharedTokenSource tokenSource(ConfigStore store) {
        return SharedTokenSource.standard(() -> embedded(store));
    }

    /**
     * This process's own connector for {@code store}'s configuration.
     *
     * @throws ConnectorException of kind {@code CONFIGURATION} when nothing is set up, or when the session lives
     *                            only in a memory agent's process ({@code sessionStorage memory}) and none runs
     */
    static Connector embedded(ConfigStore store) {
        XaaConfig config;
        try {
            config = store.load();
        } catch (MalformedPolicyException e) { // TokenSource's contract: a set-up problem is a CONFIGURATION error
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, e.getMessage(), e);
        }
        if (config.sessionStorage() == SessionStorage.MEMORY) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The session is kept only in the "
                    + "memory of `xaa agent --memory` (sessionStorage memory), and no agent runs: start "
                    + "`xaa agent --memory` and sign in");
        }
        return ConnectorFactory.build(config, Optional.empty(), b -> b).orElseThrow(() -> new ConnectorException(
                ConnectorException.Kind.CONFIGURATION, "xaa4j is " + ConnectorFactory.NOT_SET_UP));
    }
}
