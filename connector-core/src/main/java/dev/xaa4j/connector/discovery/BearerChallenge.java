package dev.xaa4j.connector.discovery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 9110 §11.6.1): a scheme and its auth-params, as
 * sent by an MCP server on {@code 401} (RFC 6750 §3, RFC 9728 §5.1: {@code resource_metadata}, {@code scope},
 * {@code error}). Parameter names are lower-cased; values are unquoted and unescaped.
 */
record BearerChallenge(String scheme, Map<String, String> params) {

    Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The first Bearer challenge among all header values, else the first challenge naming resource_metadata. */
    static Optional<BearerChallenge> select(List<String> headerValues) {
        List<BearerChallenge> all = new ArrayList<>();
        for (String v : headerValues) {
            all.addAll(parse(v));
        }
        return all.stream().filter(c -> c.scheme().equalsIgnoreCase("Bearer")).findFirst()
                .or(() -> all.stream().filter(c -> c.params().containsKey("resource_metadata")).findFirst());
    }

    /** Parses every challenge of one header value; tolerant of odd spacing, never throws. */
    static List<BearerChallenge> parse(String header) {
        List<BearerChallenge> out = new ArrayList<>();
        Cursor c = new Cursor(header == null ? "" : header);
        while (true) {
            c.skip(", \t");
            String scheme = c.token();
            if (scheme.isEmpty()) {
                if (c.atEnd()) {
                    break;
                }
                c.pos++; // garbage character: step over it
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            while (true) {
                c.skip(" \t");
                int mark = c.pos;
                String name = c.token();
                c.skip(" \t");
                if (name.isEmpty() || !c.peek('=')) {
                    // a new scheme, or a token68 we do not need: leave it for the outer loop
                    if (name.isEmpty()) {
                        c.skipToken68();
                    } else {
                        c.pos = mark;
                    }
                    break;
                }
                c.pos++; // '='
                c.skip(" \t");
                String value = c.peek('"') ? c.quoted() : c.token();
                params.put(name.toLowerCase(Locale.ROOT), value);
                c.skip(" \t");
                if (!c.peek(',')) {
                    break;
                }
                c.pos++;
            }
            out.add(new BearerChallenge(scheme, Collections.unmodifiableMap(params)));
        }
        return out;
    }

    private static final class Cursor {
        private final String s;
        private int pos;

        Cursor(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        boolean peek(char ch) {
            return pos < s.length() && s.charAt(pos) == ch;
        }

        void skip(String chars) {
            while (pos < s.length() && chars.indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
        }

        /** RFC 9110 token characters. */
        String token() {
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || "!#$%&'*+-.^_`|~/:".indexOf(s.charAt(pos)) >= 0)) {
                pos++;
            }
            return s.substring(start, pos);
        }

        void skipToken68() {
            while (pos < s.length() && s.charAt(pos) != ',') {
                pos++;
            }
        }

        String quoted() {
            StringBuilder b = new StringBuilder();
            pos++; // opening quote
            while (pos < s.length()) {
                char ch = s.charAt(pos++);
                if (ch == '\\' && pos < s.length()) {
                    b.append(s.charAt(pos++));
                } else if (ch == '"') {
                    break;
                } else {
                    b.append(ch);
                }
            }
            return b.toString();
        }
    }
}
