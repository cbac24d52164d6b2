package dev.xaa4j.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that runs without JUnit's default timeout ({@value #PARAMETER}), which the parent pom gives
 * every surefire execution ({@code xaa4j.test.timeout}): a module that configures surefire itself and loses it
 * would otherwise let a hung test hang the build. Autodetected (META-INF/services) like {@link RealHomeGuard}.
 */
public final class DefaultTimeoutGuard implements BeforeAllCallback {

    static final String PARAMETER = "junit.jupiter.execution.timeout.default";

    @Override
    public void beforeAll(ExtensionContext context) {
        if (context.getConfigurationParameter(PARAMETER).filter(v -> !v.isBlank()).isEmpty()) {
            throw new IllegalStateException(PARAMETER + " is not set for " + context.getDisplayName()
                    + ": give this module's surefire configuration the parent pom's configurationParameters"
                    + " (xaa4j.test.timeout) instead of replacing them");
        }
    }
}
