package dev.xaa4j.bridge;

import java.util.concurrent.Callable;

/** A freshly started gnome-keyring may refuse the very first write for a moment: a keyring write, tried again. */
final class KeyringWrites {

    private KeyringWrites() {
    }

    static CommandRun retry(Callable<CommandRun> write) throws Exception {
        CommandRun r = write.call();
        for (int attempt = 1; attempt < 5 && r.exit() != 0 && r.out().contains("keyring is locked"); attempt++) {
            r = write.call(); // each attempt is a new process: the keyring has had a moment
        }
        return r;
    }
}
