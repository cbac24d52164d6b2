package dev.xaa4j.connector.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code WWW-Authenticate} grammar of RFC 9110 §11.6.1, case by case: each row is the header fields a server
 * sent and the challenges expected, written {@code scheme{name=value, ...}} or {@code scheme token68}, in order,
 * separated by {@code " | "}.
 */
@Timeout(10)
class ChallengeGrammarTest {

    static Stream<Arguments> rows() {
        return Stream.of(
                // several challenges in one field (RFC 9110 §11.6.1's own example)
                row("newauth{realm=apps, type=1, title=Login to \"apps\"} | basic{realm=simple}",
                        "Newauth realm=\"apps\", type=1,\ttitle=\"Login to \\\"apps\\\"\", Basic realm=\"simple\""),
                // ... and across several fields, in field order
                row("basic{realm=corp} | bearer{error=invalid_token} | dpop{algs=ES256 PS256}",
                        "Basic realm=\"corp\"", "Bearer error=\"invalid_token\"", "DPoP algs=\"ES256 PS256\""),
                row("bearer{error=insufficient_scope, scope=a b} | basic{}",
                        "Bearer error=insufficient_scope, scope=\"a b\"", null, "Basic"),
                // token or quoted-string values
                row("bearer{error=invalid_token, realm=mcp}", "Bearer error=invalid_token, realm=\"mcp\""),
                row("bearer{realm=}", "Bearer realm=\"\""),
                row("bearer{realm=a, b, scope=x}", "Bearer realm=\"a, b\", scope=x"),
                row("bearer{realm=Zürich}", "Bearer realm=\"Zürich\""),
                row("bearer{resource_metadata=https://m.example/.well-known/oauth-protected-resource/mcp}",
                        "Bearer resource_metadata=\"https://m.example/.well-known/oauth-protected-resource/mcp\""),
                // quoted-pair: escaped quotes and backslashes, and any escaped octet stands for itself
                row("bearer{error_description=say \"hi\" \\ bye}", "Bearer error_description=\"say \\\"hi\\\" \\\\ bye\""),
                row("bearer{realm=ab}", "Bearer realm=\"\\a\\b\""),
                row("bearer{realm=x\"y, scope=s}", "Bearer realm=\"x\\\"y\", scope=s"),
                // whitespace (SP and HTAB) around "=" and ",", and many spaces after the scheme
                row("bearer{realm=x, scope=a b}", "Bearer   realm = \"x\" ,scope\t=\t\"a b\"  "),
                row("bearer{error=invalid_token, realm=x}", "Bearer error=invalid_token,realm=x"),
                // case-insensitive schemes and parameter names (stored lower case); values keep their case
                row("bearer{error=Invalid_Token, scope=Notes.Read}", "bEaReR ERROR=Invalid_Token, Scope=\"Notes.Read\""),
                // a parameter named twice keeps its first value, whatever the case of the second name
                row("bearer{scope=a}", "Bearer scope=\"a\", SCOPE=\"b\""),
                // token68, with and without padding, and followed by another challenge
                row("basic YWxhZGRpbjpvcGVuc2VzYW1l", "Basic YWxhZGRpbjpvcGVuc2VzYW1l"),
                row("negotiate abc== | bearer{realm=x}", "Negotiate abc== , Bearer realm=\"x\""),
                row("custom a-b.c_d~e+f/g=", "Custom a-b.c_d~e+f/g="),
                row("basic abc= | bearer{}", "Basic abc=, Bearer"),
                // schemes without parameters, empty list elements
                row("negotiate{} | basic{} | bearer{}", "Negotiate, Basic, Bearer"),
                row("bearer{realm=x}", " , ,Bearer realm=\"x\",, ,"),
                // a parameter after the scheme's comma is not a scheme of its own (auth-scheme is followed by SP)
                row("bearer{}", "Bearer, realm=\"x\""),
                // garbage never hides a later Bearer challenge
                row("bearer{realm=x} | bearer{error=invalid_token}",
                        "\"junk\" , Bearer realm=\"x\" trailing, , Bearer error=invalid_token"),
                row("bearer{realm=unterminated, still}", "Bearer realm=\"unterminated, still"),
                row("", "", "   ", ",", null));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("rows")
    void parsesEveryChallengeOfEveryField(String expected, List<String> fields) {
        assertThat(render(Challenge.parse(fields))).isEqualTo(expected);
    }

    @Test
    void isAnImmutableValue() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("Realm", "x");
        Challenge c = new Challenge("Bearer", params, null);
        params.put("scope", "changed later");

        assertThat(c).isEqualTo(Challenge.parse("bearer REALM=\"x\"").get(0)).hasSameHashCodeAs(Challenge.parse("BEARER realm=x").get(0));
        assertThat(c.params()).containsExactly(Map.entry("realm", "x"));
        assertThatThrownBy(() -> c.params().put("scope", "s")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Challenge.parse("Bearer").add(c)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new Challenge("Basic", Map.of("realm", "x"), "abc=="))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token68 or auth-params");
    }

    private static Arguments row(String expected, String... fields) {
        return Arguments.of(expected, fields == null ? null : java.util.Arrays.asList(fields));
    }

    private static String render(List<Challenge> challenges) {
        return challenges.stream()
                .map(c -> c.token68() != null ? c.scheme() + " " + c.token68() : c.scheme() + c.params())
                .collect(Collectors.joining(" | "));
    }
}
