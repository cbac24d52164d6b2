package dev.xaa4j.connector.testing;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;

/**
 * Child-JVM main: writes one value to the keyring and prints OK or the keyring failure and its kind; with
 * the argument {@code connect-first} it first connects ahead of use, which must not throw.
 */
public final class KeyringProbe {
    private KeyringProbe() {
    }

    public static void main(String[] args) {
        try {
            KeyringCredentialStore store = new KeyringCredentialStore("xaa4j-probe");
            if (args.length > 0 && args[0].equals("connect-first")) {
                store.connect();
            }
            store.write("probe", "value");
            System.out.println("OK");
        } catch (ConnectorException e) {
            System.out.println("keyring failure: " + e.getMessage());
            System.out.println("kind: " + e.kind());
            System.exit(3);
        }
    }
}
