package dev.xaa4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

@ExtendWith(DefaultTimeoutGuardTest.Parameters.class)
class DefaultTimeoutGuardTest {

    @Test
    void thisBuildGivesEveryTestTheDefaultTimeout(ExtensionContext context, TestInfo info) {
        assertThat(context.getConfigurationParameter(DefaultTimeoutGuard.PARAMETER)).as(info.getDisplayName())
                .hasValueSatisfying(v -> assertThat(v).isNotBlank());
    }

    /** Hands the test its own ExtensionContext, to read the configuration parameters the guard reads. */
    static final class Parameters implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
            return p.getParameter().getType() == ExtensionContext.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext c) {
            return c;
        }
    }
}
