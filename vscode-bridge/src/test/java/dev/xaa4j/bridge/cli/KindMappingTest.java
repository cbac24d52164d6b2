package dev.xaa4j.bridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ConnectorException.Kind;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each kind of connector failure has one JSON-RPC error code in the bridge and one exit code in {@code xaa}
 * (docs/protocol.md §5), decided by the kind alone: these are the tables, row by row.
 */
class KindMappingTest {

    /** Kind → bridge reason, its JSON-RPC code and the exit code of {@code xaa}. */
    record Row(Reason reason, int jsonRpc, int exit) {
    }

    static final Map<Kind, Row> TABLE = Map.ofEntries(
            Map.entry(Kind.SIGN_IN_REQUIRED, new Row(Reason.SIGN_IN_REQUIRED, -32010, 3)),
            Map.entry(Kind.SERVER_SIGN_IN_REQUIRED, new Row(Reason.SERVER_SIGN_IN_REQUIRED, -32016, 3)),
            Map.entry(Kind.NOT_PROTECTED, new Row(Reason.CONFIGURATION, -32015, 1)),
            Map.entry(Kind.SIGN_IN_FAILED, new Row(Reason.INTERNAL, -32603, 1)),
            Map.entry(Kind.ACCESS_DENIED, new Row(Reason.ACCESS_DENIED, -32011, 4)),
            Map.entry(Kind.SERVER_NOT_ENABLED, new Row(Reason.SERVER_NOT_ENABLED, -32013, 4)),
            Map.entry(Kind.SUBJECT_TOKEN_REJECTED, new Row(Reason.CONFIGURATION, -32015, 1)),
            Map.entry(Kind.UPSTREAM_UNAVAILABLE, new Row(Reason.UPSTREAM_UNAVAILABLE, -32012, 5)),
            Map.entry(Kind.CONFIGURATION, new Row(Reason.CONFIGURATION, -32015, 1)),
            Map.entry(Kind.CREDENTIAL_STORE, new Row(Reason.INTERNAL, -32603, 1)),
            Map.entry(Kind.KEYRING_UNAVAILABLE, new Row(Reason.CONFIGURATION, -32015, 1)));

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyKindHasItsJsonRpcCodeAndExitCode(Kind kind) {
        Row row = TABLE.get(kind);
        assertThat(row).as("a row for %s", kind).isNotNull();
        ConnectorException failure = new ConnectorException(kind, "notes", "it failed", "some_error", null);

        BridgeException bridge = BridgeException.of(new CompletionException(failure));
        assertThat(bridge.reason()).as("reason of %s", kind).isEqualTo(row.reason());
        assertThat(bridge.reason().jsonRpcCode()).as("JSON-RPC code of %s", kind).isEqualTo(row.jsonRpc());
        assertThat(bridge.getCause()).isSameAs(failure);

        assertThat(ExitCode.of(kind).code()).as("exit code of %s", kind).isEqualTo(row.exit());
        assertThat(ExitCode.of(failure).code()).as("exit code of a %s failure", kind).isEqualTo(row.exit());
    }

    @ParameterizedTest
    @EnumSource(Reason.class)
    void everyBridgeReasonHasAnExitCodeInTheHelpTable(Reason reason) {
        assertThat(ExitCode.table()).containsKey(Integer.toString(ExitCode.of(reason).code()));
    }

    @Test
    void theMessageIsTheConnectorsExceptWhereTheBridgeSaysWhatToDo() {
        assertThat(BridgeException.of(new ConnectorException(Kind.ACCESS_DENIED, "denied by policy")).getMessage())
                .isEqualTo("denied by policy");
        assertThat(BridgeException.of(new ConnectorException(Kind.SIGN_IN_REQUIRED, "no session")).getMessage())
                .isEqualTo(BridgeException.SIGN_IN_MESSAGE);
        assertThat(BridgeException.of(new ConnectorException(Kind.SERVER_SIGN_IN_REQUIRED, "wiki", "no grant", null, null))
                .getMessage()).isEqualTo("Sign in to wiki: choose 'Sign in to wiki' in the xaa tray, or run `xaa login wiki` in a terminal");
        assertThat(BridgeException.of(new ConnectorException(Kind.SERVER_SIGN_IN_REQUIRED, "wiki", "'wiki' needs you to sign "
                + "in again in the browser to grant the scopes wiki:read wiki:write: run `xaa login wiki` or …", null, null))
                .getMessage()).isEqualTo("Sign in to wiki: choose 'Sign in to wiki' in the xaa tray, or run `xaa login wiki` "
                        + "in a terminal (to grant the scopes wiki:read wiki:write this call needs)");
        assertThat(BridgeException.of(new ConnectorException(Kind.KEYRING_UNAVAILABLE, "No keyring.")).getMessage())
                .startsWith("No keyring.").contains(BridgeException.NO_KEYRING);
        assertThat(BridgeException.of(new IllegalStateException("bug")).reason()).isEqualTo(Reason.INTERNAL);
        assertThat(ExitCode.of(new IllegalArgumentException("bad")).code()).isEqualTo(ExitCode.USAGE.code());
    }
}
