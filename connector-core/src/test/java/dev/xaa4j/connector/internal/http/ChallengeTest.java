package dev.xaa4j.connector.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RFC 9110 §11.6.1 challenge grammar as real servers send it. */
@Timeout(10)
class ChallengeTest {

    @Test
    void readsTheBearerChallengeFromASecondHeaderField() {
        List<String> fields = List.of("Basic realm=\"corp\"",
                "Bearer error=\"insufficient_scope\", scope=\"notes.write\", resource_metadata=\"https://n.example/.well-known/oauth-protected-resource\"");

        Challenge bearer = Challenge.bearer(fields).orElseThrow();

        assertThat(bearer.error()).contains("insufficient_scope");
        assertThat(bearer.scopes()).containsExactly("notes.write");
        assertThat(bearer.param("resource_metadata")).contains("https://n.example/.well-known/oauth-protected-resource");
    }

    @Test
    void readsSeveralChallengesInOneField() {
        List<Challenge> all = Challenge.parse("Basic realm=\"a, b\", Bearer error=insufficient_scope, scope=\"x y\", DPoP algs=\"ES256\"");

        assertThat(all).extracting(Challenge::scheme).containsExactly("basic", "bearer", "dpop");
        assertThat(all.get(0).params()).isEqualTo(Map.of("realm", "a, b"));
        assertThat(all.get(1).error()).contains("insufficient_scope");
        assertThat(all.get(1).scopes()).containsExactly("x", "y");
        assertThat(all.get(2).param("ALGS")).contains("ES256");
    }

    @Test
    void acceptsUnquotedTokensWhitespaceAroundEqualsEscapesAndAnyCase() {
        Challenge c = Challenge.parse("bEaReR  ERROR = insufficient_scope ,Error_Description=\"say \\\"hi\\\" \\\\ bye\",  scope =\"a\"").get(0);

        assertThat(c.is("Bearer")).isTrue();
        assertThat(c.error()).contains("insufficient_scope");
        assertThat(c.param("error_description")).contains("say \"hi\" \\ bye");
        assertThat(c.scopes()).containsExactly("a");
    }

    @Test
    void readsToken68AndSchemesWithoutParameters() {
        List<Challenge> all = Challenge.parse("Negotiate, Basic YWxhZGRpbjpvcGVuc2VzYW1l==, Bearer");

        assertThat(all).extracting(Challenge::scheme).containsExactly("negotiate", "basic", "bearer");
        assertThat(all.get(0).token68()).isNull();
        assertThat(all.get(1).token68()).isEqualTo("YWxhZGRpbjpvcGVuc2VzYW1l==");
        assertThat(all.get(2).params()).isEmpty();
    }

    @Test
    void skipsEmptyElementsAndGarbageWithoutLosingALaterBearerChallenge() {
        List<Challenge> all = Challenge.parse(" , ,\"junk\" , Bearer realm=\"x\" trailing, , scope=\"s\", Bearer error=invalid_token");

        assertThat(Challenge.bearer(List.of(" , ,\"junk\" , Bearer realm=\"x\" trailing, , scope=\"s\""))).isPresent();
        assertThat(all).filteredOn(c -> c.is("bearer")).hasSize(2);
        assertThat(all.get(all.size() - 1).error()).contains("invalid_token");
    }

    @Test
    void aDuplicatedParameterKeepsItsFirstValueAndNullOrEmptyInputIsNoChallenge() {
        assertThat(Challenge.parse("Bearer scope=\"a\", scope=\"b\"").get(0).scopes()).containsExactly("a");
        assertThat(Challenge.parse((String) null)).isEmpty();
        assertThat(Challenge.parse("")).isEmpty();
        assertThat(Challenge.bearer(null)).isEmpty();
        assertThat(Challenge.parse("Bearer scope=\"   \"").get(0).scopes()).isEmpty();
    }
}
