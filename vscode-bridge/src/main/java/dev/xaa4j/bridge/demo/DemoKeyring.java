package dev.xaa4j.bridge.demo;

import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.store.KeyringCredentialStore;
import dev.xaa4j.connector.store.SessionStore;
import java.util.List;
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

    private DemoKeyring() {
    }

    /** Writes and deletes a probe entry; empty when the keyring works, else why it does not (one short line). */
    static Optional<String> problem() {
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux")
                && System.getenv("DBUS_SESSION_BUS_ADDRESS") == null) {
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
                String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("unusable");
                return Optional.of(why.length() > 120 ? why.substring(0, 119) + "…" : why);
            }
        }, XaaCommandLine.PIPES);
        try {
            return probe.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return Optional.of("the OS keyring did not answer within 30 s");
        }
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
