package dev.xaa4j.bridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The early reader of {@code xaa bridge} finds SERVER before picocli runs: it must agree with picocli on
 * every command line where it answers, and stay out of every one where picocli might read it differently.
 */
class BridgeArgumentsTest {

    @Test
    void findsTheServerTheWayPicocliDoes() {
        for (String[] args : new String[][] {
                {"notes"},
                {"notes", "--interactive"},
                {"--initialize-budget-ms", "500", "notes"},
                {"--initialize-budget-ms=500", "notes", "--request-timeout", "60"},
                {"-v", "--no-auth", "http://127.0.0.1:9402/notes/mcp"},
                {"--", "notes"}}) {
            BridgeCommand parsed = new BridgeCommand();
            new CommandLine(parsed).parseArgs(withVerbose(args));
            assertThat(BridgeCommand.serverArgument(args)).as(String.join(" ", args)).contains(parsed.server);
        }
    }

    @Test
    void staysOutOfHelpVersionCombinedFlagsTwoServersAndASwitchedOffCache() {
        for (String[] args : new String[][] {
                {}, {"--help"}, {"notes", "-h"}, {"-V"}, {"--version"}, {"-hv", "notes"},
                {"notes", "tickets"}, {"notes", "--no-initialize-cache"}, {"--initialize-budget-ms"}}) {
            assertThat(BridgeCommand.serverArgument(args)).as(String.join(" ", args)).isEqualTo(Optional.empty());
        }
    }

    @Test
    void startsTheTokenChainEarlyOnlyForTheStandardAuthOfOneServer() {
        for (String[] args : new String[][] {
                {"--no-auth", "notes"}, {"notes", "--interactive"}, {"--interactive=true", "notes"}, {"notes", "tickets"},
                {"--help"}, {}}) {
            assertThat(BridgeCommand.startTokenFetch(args)).as(String.join(" ", args)).isNull();
        }
    }

    @Test
    void knowsEveryOptionOfTheBridgeThatTakesAValue() {
        Set<String> takingValues = new CommandLine(new BridgeCommand()).getCommandSpec().options().stream()
                .filter(o -> o.arity().max() > 0)
                .flatMap(o -> java.util.Arrays.stream(o.names()))
                .collect(Collectors.toSet());
        assertThat(BridgeCommand.VALUE_OPTIONS).as("BridgeCommand.VALUE_OPTIONS lists them all").isEqualTo(takingValues);
    }

    /** picocli knows -v only through the root command; the bridge-only command line adds it like XaaCommand does. */
    private static String[] withVerbose(String[] args) {
        return java.util.Arrays.stream(args).filter(a -> !a.equals("-v")).toArray(String[]::new);
    }
}
