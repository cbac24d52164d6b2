package dev.xaa4j.connector.internal;

/**
 * Messages are built from lower-case noun phrases ({@code "the identity provider"}, {@code "the IdP"}) so that a
 * phrase reads right inside a sentence ("Cannot reach the identity provider at …"); only the start of a sentence
 * is capitalised, here. Pure; thread-safe.
 */
public final class Sentences {

    private Sentences() {
    }

    /** {@code phrase} at the start of a sentence: its first letter upper-case, the rest unchanged. */
    public static String start(String phrase) {
        return phrase.isEmpty() ? phrase : Character.toUpperCase(phrase.charAt(0)) + phrase.substring(1);
    }
}
