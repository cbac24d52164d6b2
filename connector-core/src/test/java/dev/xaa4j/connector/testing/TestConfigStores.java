package dev.xaa4j.connector.testing;

import dev.xaa4j.connector.host.config.ConfigStore;
import java.nio.file.Path;
import java.util.Map;

/**
 * A {@link ConfigStore} for a test: {@code file} and {@code env} as given, and never the machine's policy
 * ({@code /etc/xaa4j/policy.json}, the registry, managed preferences) — a developer's managed machine must not
 * change a test's result. The policy is {@code $XAA_POLICY} of {@code env} when it names one, else a file beside
 * {@code file} that does not exist (no policy).
 */
public final class TestConfigStores {

    private TestConfigStores() {
    }

    public static ConfigStore of(Path file, Map<String, String> env) {
        String explicit = env.get("XAA_POLICY");
        return explicit != null && !explicit.isBlank() ? new ConfigStore(file, env)
                : new ConfigStore(file, env, file.toAbsolutePath().resolveSibling("no-policy-for-tests.json"));
    }
}
