package dev.xaa4j.bridge.proxy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of a {@code WWW-Authenticate: Bearer …} challenge (RFC 6750 §3): {@code error},
 * {@code scope}, {@code resource_metadata} (RFC 9728 §5.1). Only the first Bearer challenge is read.
 */
record BearerChallenge(Map<String, String> params) {

    /** Possessive quantifiers: a quoted value is matched without backtracking or one stack frame per character. */
    private static final Pattern PARAM = Pattern.compile("([A-Za-z_][A-Za-z0-9_-]*+)\\s*+=\\s*+(?:\"((?:[^\"\\\\]++|\\\\.)*+)\"|([^\\s,]++))");

    static Optional<BearerChallenge> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        int start = header.toLowerCase(Locale.ROOT).indexOf("bearer");
        if (start < 0) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(header.substring(start + "bearer".length()));
        while (m.find()) {
            String value = m.group(2) != null ? m.group(2).replaceAll("\\\\(.)", "$1") : m.group(3);
            params.putIfAbsent(m.group(1).toLowerCase(Locale.ROOT), value);
        }
        return Optional.of(new BearerChallenge(Map.copyOf(params)));
    }

    Optional<String> error() {
        return Optional.ofNullable(params.get("error"));
    }

    Optional<String> scope() {
        return Optional.ofNullable(params.get("scope"));
    }
}
