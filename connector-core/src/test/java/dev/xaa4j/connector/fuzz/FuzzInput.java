package dev.xaa4j.connector.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * How the fuzz tests read their {@code byte[]} inputs, so seeds and saved findings are plain text files that
 * a person can read and write: UTF-8 (malformed bytes become U+FFFD), fields separated by NUL bytes.
 */
public final class FuzzInput {

    private FuzzInput() {
    }

    /**
     * Lets the code under test connect to loopback addresses only. While fuzzing, Jazzer's server-side request
     * forgery detector otherwise reports every connection as a finding; a connection to any other host still
     * is one. Call it at the start of each fuzz target that uses the network (Jazzer resets the policy when
     * fuzzing starts).
     */
    public static void allowLoopbackConnectionsOnly() {
        try {
            BugDetectors.allowNetworkConnections((host, port) -> isLoopback(host));
        } catch (IllegalStateException noAgent) {
            // regression mode (no JAZZER_FUZZ): Jazzer's agent and its detectors are not installed
        }
    }

    static boolean isLoopback(String host) {
        String h = host.replace("[", "").replace("]", "");
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    public static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** The NUL-separated fields of {@code data} (at least one, possibly empty). */
    public static List<String> parts(byte[] data) {
        return Arrays.asList(text(data).split("\0", -1));
    }

    /** Field {@code i}, or {@code ""} when the input has fewer. */
    public static String part(byte[] data, int i) {
        List<String> p = parts(data);
        return i < p.size() ? p.get(i) : "";
    }
}
