package dev.xaa4j.connector;

/**
 * There is no OS keyring on this machine at all (on Linux: no Secret Service provider in a D-Bus session; on
 * macOS/Windows: the Keychain/Credential Manager cannot be reached). Unlike a locked keyring or a busy D-Bus,
 * retrying never clears it: a person has to start a keyring or choose a session store that needs none. The
 * message names the remedy and never holds a secret.
 */
public class KeyringUnavailableException extends CredentialStoreException {
    public KeyringUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
