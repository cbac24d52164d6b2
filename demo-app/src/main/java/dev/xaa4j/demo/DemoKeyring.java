package dev.xaa4j.demo;

import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.connector.internal.store.SessionStore;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The demo's use of the OS keyring, outside what {@code xaa} itself does: a probe before it starts (is there a
 * usable Secret Service / Keychain / Credential Manager?) and, at the end, removal of the entries the demo
 * created (its client secrets and, should {@code xaa logout} not have run, the session), which are keyed by the
 * sample issuer's throwaway URLs.
 */
final class DemoKeyring {

    /** The keyring service xaa uses (the connector's default). */
    static final String SERVICE = "xaa4j";
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");

    private DemoKeyring() {
    }

    /** Writes and deletes a probe entry; empty when the keyring works, else why it does not (one short line). */
    static Optional<String> problem() {
        if (LINUX && System.getenv("DBUS_SESSION_BUS_ADDRESS") == null) {
            return Optional.of("no D-Bus session, so no Secret Service");
        }
        CompletableFuture<Optional<String>> probe = CompletableFuture.supplyAsync(() -> {
            try {
                KeyringCredentialStore store = new KeyringCredentialStore(SERVICE);
                String key = "demo-probe|" + UUID.randomUUID();
                store.write(key, "probe");
                store.delete(key);
                return Optional.<String>empty();
            } catch (RuntimeException e) {
                return Optional.of(shortReason(e.getMessage()));
            }
        }, XaaCommandLine.PIPES);
        try {
            return probe.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return Optional.of("the OS keyring did not answer within 30 s");
        }
    }

    /**
     * The first clause of the keyring's error, lower-case, at most 100 characters; its generic "no OS keyring is
     * available" becomes what that means on Linux.
     */
    static String shortReason(String message) {
        String first = message == null ? "" : message.lines().findFirst().orElse("").split("[:.;(]", 2)[0].strip();
        if (first.isEmpty() || first.toLowerCase(Locale.ROOT).startsWith("no os keyring")) {
            return LINUX ? "no Secret Service on this D-Bus session" : "the OS keyring does not answer";
        }
        first = Character.toLowerCase(first.charAt(0)) + first.substring(1);
        return first.length() > 100 ? first.substring(0, 99) + "…" : first;
    }

    /** Deletes the demo's entries; best effort (the keyring may already be gone on Ctrl-C). */
    static void forget(SampleIssuerProcess.Endpoints issuer) {
        try {
            KeyringCredentialStore store = new KeyringCredentialStore(SERVICE);
            for (String key : List.of(
                    SessionStore.key(issuer.idp(), DemoMain.IDP_CLIENT),
                    ClientCredentialsSource.secretKey(issuer.idp(), DemoMain.IDP_CLIENT),
                    ClientCredentialsSource.secretKey(issuer.as(), DemoMain.AS_CLIENT))) {
                store.delete(key);
            }
        } catch (RuntimeException e) {
            // nothing more to do: the entries name a sample issuer that no longer exists
        }
    }
}
