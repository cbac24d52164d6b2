package dev.xaa4j.bridge;

import dev.xaa4j.bridge.cli.XaaCommand;
import java.util.Arrays;

/**
 * Entry point of the {@code xaa} launcher. Exit codes: 0 ok, 1 other failure, 2 usage, 3 sign-in required,
 * 4 access denied or revoked, 5 upstream unavailable ({@link BridgeException.Reason}).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        StandardOutput.adopt(); // before anything captures System.out
        // Before the first logger exists: slf4j-simple reads its level once.
        if (Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v")) {
            System.setProperty("org.slf4j.simpleLogger.log.dev.xaa4j", "debug");
            System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        }
        System.exit(XaaCommand.execute(args));
    }

    /** The version of this build, from the jar manifest ("dev" when run from classes). */
    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
