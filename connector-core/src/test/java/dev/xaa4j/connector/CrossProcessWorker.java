package dev.xaa4j.connector;

import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One of several JVMs sharing one keyring session (for {@link CrossProcessTest}): asks for a notes token
 * every 20 ms for the given seconds and prints one RESULT line. Never prints token bytes.
 *
 * <p>args: idpIssuer notesUrl keyringService stateDir seconds
 */
public final class CrossProcessWorker {
    public static void main(String[] args) throws Exception {
        URI idp = URI.create(args[0]);
        URI notes = URI.create(args[1]);
        KeyringCredentialStore store = new KeyringCredentialStore(args[2]);
        Path stateDir = Path.of(args[3]);
        long seconds = Long.parseLong(args[4]);
        long begin = System.nanoTime();
        long end = Long.MAX_VALUE;
        long warmMs = -1;
        AtomicInteger signInRequired = new AtomicInteger();
        int ok = 0;
        int denied = 0;
        int transientErrors = 0;
        int keyring = 0;
        int other = 0;
        String lastError = "";
        try (Connector c = SampleIssuerFixture.connector(idp, Map.of("notes", notes), store, stateDir)
                .journal(false)
                .listener(e -> {
                    if (e instanceof ConnectorEvent.SignInRequired) {
                        signInRequired.incrementAndGet();
                    }
                })
                .build()) {
            while (System.nanoTime() < end) {
                try {
                    c.token("notes");
                    ok++;
                    if (warmMs < 0) { // JVM start, discovery, keyring and JWKS are not what is measured
                        warmMs = (System.nanoTime() - begin) / 1_000_000;
                        begin = System.nanoTime();
                        end = begin + seconds * 1_000_000_000L;
                    }
                } catch (ConnectorException e) {
                    lastError = e.getMessage();
                    switch (e.kind()) {
                        case SIGN_IN_REQUIRED -> signInRequired.incrementAndGet();
                        case ACCESS_DENIED -> denied++;
                        case CREDENTIAL_STORE, KEYRING_UNAVAILABLE -> keyring++;
                        case UPSTREAM_UNAVAILABLE -> transientErrors++;
                        default -> {
                            lastError = e.toString();
                            other++;
                        }
                    }
                } catch (RuntimeException e) {
                    lastError = e.toString();
                    other++;
                }
                Thread.sleep(20); // a fixture, not a wait: the pace of one client process
            }
            System.out.println("RESULT ok=" + ok + " signInRequired=" + signInRequired.get() + " denied=" + denied
                     + " transient=" + transientErrors + " keyring=" + keyring + " other=" + other + " renewals=" + c.metrics().renewals()
                    + " blocked=" + c.metrics().blockedCalls() + " failures=" + c.metrics().failures()
                    + " warmMs=" + warmMs + " ms=" + (System.nanoTime() - begin) / 1_000_000
                    + " lastError=" + lastError.replaceAll("\\s+", "_"));
        }
        System.exit(0);
    }
}
