package dev.xaa4j.connector.host.broker;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How long a session owner lives (docs/architecture.md "One session owner per machine"): started by hand (the tray
 * app, {@code xaa agent}) or on demand by the first command that needed a token, and whether it exits after an
 * idle period. Reported in the broker's {@code status} so {@code xaa status} can say it. Immutable.
 *
 * @param onDemand whether a bridge or {@code xaa} command started it (not a person)
 * @param idleExit how long it stays without a connected client or a request before it exits; empty: it runs until
 *                 stopped
 */
public record AgentLifetime(boolean onDemand, Optional<Duration> idleExit) {

    /** Started by hand, runs until stopped: the tray app and {@code xaa agent} without options. */
    public static final AgentLifetime UNTIL_STOPPED = new AgentLifetime(false, Optional.empty());

    public AgentLifetime {
        Objects.requireNonNull(idleExit, "idleExit");
        idleExit.ifPresent(d -> {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("the idle period must be positive, not " + d);
            }
        });
    }

    /**
     * What to add after "pid N" in a sentence: ", started on demand, exits after 10 min idle", or "" for an owner
     * started by hand that runs until stopped.
     */
    public String describe() {
        return (onDemand ? ", started on demand" : "") + idleExit.map(d -> ", exits after " + words(d) + " idle").orElse("");
    }

    /** {@code d} for a person: "10 min", "90 s", "1 h", "1500 ms". */
    public static String words(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + " ms";
        }
        long s = d.toSeconds();
        if (s % 3600 == 0) {
            return s / 3600 + " h";
        }
        return s % 60 == 0 ? s / 60 + " min" : s + " s";
    }

    /**
     * Parses an idle period: a number with a unit, {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}, or an
     * ISO-8601 duration ({@code PT10M}).
     *
     * @throws IllegalArgumentException anything else, or a period that is not positive; the message shows the forms
     */
    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})\\s*(ms|s|m|min|h)").matcher(t);
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofMinutes(n);
            };
        } else {
            try {
                d = Duration.parse(text.strip());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration: write e.g. 30s, 10m or 1h");
            }
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("the idle period must be positive, not '" + text + "'");
        }
        return d;
    }
}
