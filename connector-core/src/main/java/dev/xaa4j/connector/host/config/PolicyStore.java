package dev.xaa4j.connector.host.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the organization's policy (docs/admin.md) is read from: a JSON policy file ({@link PolicyFile}), the
 * Windows registry ({@link WindowsPolicyRegistry}), macOS managed preferences ({@link MacManagedPreferences}), or
 * the first of several of them that holds a policy ({@link #firstOf}). Every store produces the JSON tree of the
 * policy file and goes through the one strict parser of {@link ManagedPolicy}, so a fault is the same fail-closed
 * error whatever the store.
 *
 * <p>Implementations are immutable and thread-safe; {@link #read()} and {@link #fingerprint()} may block on file
 * I/O or on a platform tool ({@code reg}, {@code plutil}; at most {@link PlatformTool#TIMEOUT} each).
 */
public interface PolicyStore {

    /** The place in words, as messages name it: {@code policy file /etc/xaa4j/policy.json}, {@code registry key HKLM\…}. */
    String where();

    /**
     * The policy; empty when this store holds none (no file, no registry key, no plist, the tool is missing).
     *
     * @throws MalformedPolicyException the store holds a policy that cannot be read or is malformed; the message
     *                                  names the place and the fault (fail closed, docs/admin.md)
     */
    Optional<ManagedPolicy> read();

    /**
     * A cheap value that changes when the policy may have changed (modification times and sizes; for the registry,
     * its content, asked at most every {@link WindowsPolicyRegistry#REQUERY}): {@code SessionHost.follow} re-reads
     * the configuration when it differs from the last one.
     */
    String fingerprint();

    /** The stores this one consults, highest precedence first (itself for a single store). */
    default List<PolicyStore> stores() {
        return List.of(this);
    }

    /** The JSON policy file {@code file}. */
    static PolicyStore file(Path file) {
        return new PolicyFile(file);
    }

    /** The first of {@code stores} (highest precedence first) that holds a policy; the others are not merged in. */
    static PolicyStore firstOf(List<PolicyStore> stores) {
        return new FirstPolicyStore(stores);
    }

    /**
     * The stores of this platform in precedence order (docs/admin.md "Where the policy is"): the file
     * {@code $XAA_POLICY} alone when set; else on Windows the registry key {@code HKLM\Software\Policies\xaa4j}, then
     * {@code %ProgramData%\xaa4j\policy.json}; on macOS the managed preferences of domain {@code dev.xaa4j} (the
     * user's over the computer's, key by key), then {@code /Library/Application Support/xaa4j/policy.json}; else
     * {@code /etc/xaa4j/policy.json}. The OS is chosen by {@code osName} (the {@code os.name} property).
     *
     * @param user the login name, for macOS's per-user managed preferences
     * @param tool runs {@code reg} and {@code plutil} (the seam tests replace with captured outputs)
     */
    static PolicyStore forPlatform(Map<String, String> env, String osName, String user, PlatformTool tool) {
        Path file = ManagedPolicy.location(env, osName);
        String explicit = env.get("XAA_POLICY");
        if (explicit != null && !explicit.isBlank()) {
            return file(file);
        }
        String os = osName.toLowerCase(java.util.Locale.ROOT);
        if (os.startsWith("windows")) {
            return firstOf(List.of(new WindowsPolicyRegistry(WindowsPolicyRegistry.KEY, WindowsPolicyRegistry.regExe(env), tool), file(file)));
        }
        if (os.startsWith("mac")) {
            return firstOf(List.of(new MacManagedPreferences(MacManagedPreferences.ROOT, user, tool), file(file)));
        }
        return file(file);
    }
}
