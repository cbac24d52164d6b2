package dev.xaa4j.connector.internal.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.xaa4j.connector.fuzz.FuzzInput;
import dev.xaa4j.connector.internal.http.Challenge;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the {@code WWW-Authenticate} parser (RFC 9110 §11.6.1, RFC 6750 §3, RFC 9728 §5.1) with any header
 * value: it must return challenges with lower-cased parameter names and never throw. In a normal build this
 * replays the seeds and saved findings under {@code ChallengeFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
@Tag("fuzz")
class ChallengeFuzzTest {

    /** The parser under test: the project's one WWW-Authenticate parser. */
    static final Function<List<String>, List<Map<String, String>>> PARSER = values ->
            Challenge.parse(values).stream().map(Challenge::params).toList();

    @FuzzTest(maxDuration = "30s")
    @Timeout(10)
    void anyHeaderValueParsesWithoutThrowing(byte[] data) {
        List<String> values = FuzzInput.parts(data);
        List<Map<String, String>> challenges = PARSER.apply(values);
        for (Map<String, String> params : challenges) {
            params.keySet().forEach(name -> assertThat(name).isEqualTo(name.toLowerCase(Locale.ROOT)));
        }
        Challenge.bearer(values); // the selection Discovery, the SDK adapter and the bridge make from all header fields
    }
}
