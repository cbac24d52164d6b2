package dev.xaa4j.connector;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition (no awaitility offline). */
public final class Await {
    private Await() {
    }

    public static void until(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }
}
