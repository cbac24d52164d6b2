package dev.xaa4j.connector.internal.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One authentication challenge of a {@code WWW-Authenticate} response header (RFC 9110 §11.6.1): an
 * auth-scheme with either auth-params or a token68. An immutable value (equal when scheme, parameters and
 * token68 are), thread-safe; this is the project's one parser of that header, used by discovery, the MCP SDK
 * adapter and the bridge.
 *
 * <p>{@link #parse(List)} reads every field of the header, each of which may hold several challenges
 * (RFC 9110 §11.6.1: "a server MAY generate a header field with more than one challenge" and the field may
 * be repeated). Scheme and parameter names compare case-insensitively (they are stored lower-case); values
 * are tokens or quoted-strings, returned unquoted with {@code \}-escapes removed (RFC 9110 §5.6.4); optional
 * whitespace around {@code =} and {@code ,} is accepted; empty list elements are skipped (RFC 9110 §5.6.1).
 * A duplicated parameter keeps its first value. Malformed input never throws: the parser skips to the next
 * comma and carries on, so one bad challenge cannot hide a good Bearer one; an auth-param where a scheme
 * should be (as in {@code Bearer, realm="x"}) is skipped, not taken for a scheme.
 *
 * <p>The parameters used by this project are those of the Bearer scheme (RFC 6750 §3: {@code error},
 * {@code scope}, {@code error_description}) and RFC 9728 §5.1 ({@code resource_metadata}).
 *
 * @param scheme  the auth-scheme, lower case (e.g. {@code bearer})
 * @param params  the auth-params, names lower case, values unquoted; unmodifiable, in header order
 * @param token68 the token68 credentials of a scheme that uses one, else {@code null}
 * @throws IllegalArgumentException when both {@code params} and {@code token68} are given
 */
public record Challenge(String scheme, Map<String, String> params, String token68) {

    public Challenge {
        scheme = Objects.requireNonNull(scheme, "scheme").toLowerCase(Locale.ROOT);
        if (token68 != null && !Objects.requireNonNull(params, "params").isEmpty()) {
            throw new IllegalArgumentException("A challenge has either a token68 or auth-params (RFC 9110 §11.6.1), not both");
        }
        Map<String, String> lower = new LinkedHashMap<>();
        Objects.requireNonNull(params, "params").forEach((k, v) -> lower.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
        params = Collections.unmodifiableMap(lower);
    }

    /** Whether the scheme is {@code name}, ignoring case. */
    public boolean is(String name) {
        return scheme.equalsIgnoreCase(name);
    }

    /** The value of parameter {@code name} (case-insensitive). */
    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
    }

    /** RFC 6750 §3 {@code error}, e.g. {@code insufficient_scope}. */
    public Optional<String> error() {
        return param("error");
    }

    /** RFC 6750 §3 {@code scope}: space-delimited scope values; empty when absent or blank. */
    public List<String> scopes() {
        return param("scope").map(String::strip).filter(s -> !s.isEmpty()).map(s -> List.of(s.split("\\s+")))
                .orElse(List.of());
    }

    /** The first {@code Bearer} challenge among all header field values (RFC 6750 §3). */
    public static Optional<Challenge> bearer(List<String> headerValues) {
        return parse(headerValues).stream().filter(c -> c.is("Bearer")).findFirst();
    }

    /** Every challenge of every header field value, in order; {@code null} values are ignored. */
    public static List<Challenge> parse(List<String> headerValues) {
        List<Challenge> out = new ArrayList<>();
        if (headerValues != null) {
            for (String value : headerValues) {
                if (value != null) {
                    out.addAll(new Parser(value).challenges());
                }
            }
        }
        return List.copyOf(out);
    }

    /** Every challenge of one header field value. */
    public static List<Challenge> parse(String headerValue) {
        return parse(headerValue == null ? List.of() : List.of(headerValue));
    }

    /** RFC 9110 §11.6.1 grammar over one field value; a cursor that never throws. */
    private static final class Parser {
        private static final String TCHAR = "!#$%&'*+-.^_`|~";
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        List<Challenge> challenges() {
            List<Challenge> out = new ArrayList<>();
            while (true) {
                skipListSeparators();
                if (pos >= s.length()) {
                    return out;
                }
                String scheme = token();
                int afterScheme = pos;
                skipWhitespace();
                if (scheme.isEmpty() || (pos < s.length() && s.charAt(pos) == '=')) {
                    skipPastComma(); // garbage, or an auth-param with no scheme before it, where a scheme should be
                    continue;
                }
                pos = afterScheme;
                out.add(rest(scheme));
            }
        }

        /** After the scheme: 1*SP ( token68 / #auth-param ), or nothing. */
        private Challenge rest(String scheme) {
            Map<String, String> params = new LinkedHashMap<>();
            skipWhitespace();
            int mark = pos;
            String t68 = token68();
            skipWhitespace();
            if (!t68.isEmpty() && (pos >= s.length() || s.charAt(pos) == ',') && !looksLikeParam(mark)) {
                return new Challenge(scheme, params, t68);
            }
            pos = mark;
            while (true) {
                skipWhitespace();
                int start = pos;
                String name = token();
                skipWhitespace();
                if (name.isEmpty() || pos >= s.length() || s.charAt(pos) != '=') {
                    pos = start; // not an auth-param: the next challenge starts here (or garbage)
                    break;
                }
                pos++;
                skipWhitespace();
                String value = pos < s.length() && s.charAt(pos) == '"' ? quoted() : token();
                params.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
                skipWhitespace();
                if (pos < s.length() && s.charAt(pos) != ',') {
                    skipPastComma(); // junk after a value
                }
                // consume commas and empty elements; stop if what follows is a new scheme, not a param
                skipListSeparators();
                int next = pos;
                String following = token();
                skipWhitespace();
                boolean param = !following.isEmpty() && pos < s.length() && s.charAt(pos) == '=';
                pos = next;
                if (!param) {
                    break;
                }
            }
            return new Challenge(scheme, params, null);
        }

        /** A token68 ends in '=' padding only; a name followed by '=' and a value is an auth-param. */
        private boolean looksLikeParam(int mark) {
            int save = pos;
            pos = mark;
            String name = token();
            skipWhitespace();
            boolean param = !name.isEmpty() && pos < s.length() && s.charAt(pos) == '=';
            if (param) {
                pos++;
                skipWhitespace();
                param = pos < s.length() && s.charAt(pos) != ',' && s.charAt(pos) != '=';
            }
            pos = save;
            return param;
        }

        private String token() {
            int start = pos;
            while (pos < s.length() && isTchar(s.charAt(pos))) {
                pos++;
            }
            return s.substring(start, pos);
        }

        /** token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
        private String token68() {
            int start = pos;
            while (pos < s.length() && (isAlnum(s.charAt(pos)) || "-._~+/".indexOf(s.charAt(pos)) >= 0)) {
                pos++;
            }
            if (pos == start) {
                return "";
            }
            while (pos < s.length() && s.charAt(pos) == '=') {
                pos++;
            }
            return s.substring(start, pos);
        }

        private String quoted() {
            StringBuilder b = new StringBuilder();
            pos++; // opening DQUOTE
            while (pos < s.length()) {
                char ch = s.charAt(pos++);
                if (ch == '\\' && pos < s.length()) {
                    b.append(s.charAt(pos++));
                } else if (ch == '"') {
                    return b.toString();
                } else {
                    b.append(ch);
                }
            }
            return b.toString(); // unterminated: take what there is
        }

        private void skipWhitespace() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
                pos++;
            }
        }

        private void skipListSeparators() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == ',')) {
                pos++;
            }
        }

        private void skipPastComma() {
            while (pos < s.length() && s.charAt(pos) != ',') {
                if (s.charAt(pos) == '"') {
                    quoted();
                } else {
                    pos++;
                }
            }
        }

        private static boolean isAlnum(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }

        private static boolean isTchar(char c) {
            return isAlnum(c) || TCHAR.indexOf(c) >= 0;
        }
    }
}
