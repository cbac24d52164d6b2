package dev.xaa4j.connector.fuzz;

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
