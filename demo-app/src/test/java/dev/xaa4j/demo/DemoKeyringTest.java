package dev.xaa4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DemoKeyringTest {

    @Test
    void theReasonInTheOneNoKeyringLineIsTheErrorsFirstClauseShortAndLowerCase() {
        assertThat(DemoKeyring.shortReason("Cannot open the Secret Service collection: locked\nstack…"))
                .isEqualTo("cannot open the Secret Service collection");
        assertThat(DemoKeyring.shortReason("x".repeat(300))).hasSize(100).endsWith("…");
    }

    @Test
    void theKeyringLibrarysGenericMessageBecomesWhatItMeansHere() {
        String reason = DemoKeyring.shortReason("No OS keyring is available: on Linux install and run a Secret Service "
                + "provider (gnome-keyring or KWallet) in a D-Bus session");
        assertThat(reason).isIn("no Secret Service on this D-Bus session", "the OS keyring does not answer");
        assertThat(DemoKeyring.shortReason(null)).isEqualTo(reason);
    }
}
