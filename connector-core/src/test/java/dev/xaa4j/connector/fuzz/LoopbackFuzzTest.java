package dev.xaa4j.connector.fuzz;

import org.junit.jupiter.api.AfterAll;

/**
 * For fuzz test classes whose code under test talks HTTP: one {@link LoopbackStub} per class ({@link #STUB}),
 * closed after it. Each fuzz target still calls {@link FuzzInput#allowLoopbackConnectionsOnly()} first.
 */
public abstract class LoopbackFuzzTest {

    protected static final LoopbackStub STUB = new LoopbackStub();

    @AfterAll
    static void stopStub() {
        STUB.close();
    }
}
