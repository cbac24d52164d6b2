package dev.xaa4j.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test class, destroys every child process the class started through {@link Processes#start} and
 * that still runs, with its descendants: a failed or timed-out test leaves no process behind. Autodetected
 * (META-INF/services) like {@link RealHomeGuard}.
 */
public final class ProcessReaper implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        Processes.reapAll();
    }
}
