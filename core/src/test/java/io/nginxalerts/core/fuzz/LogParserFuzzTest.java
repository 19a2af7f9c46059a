package io.nginxalerts.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParseResult;
import io.nginxalerts.core.parse.ParserSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Coverage-guided fuzzing of {@link LogParser#parse}: whatever the bytes, it returns an event or a
 * rejection with a short detail, never throws, and never takes long.
 *
 * <p>In a normal build ({@code mvn test}) Jazzer runs this in regression mode: once per seed in
 * {@code src/test/resources/io/nginxalerts/core/fuzz/LogParserFuzzTestInputs/parse/} (real nginx
 * JSON, Logstash and combined lines) and per crash file found earlier, in well under a second. A
 * fuzzing run ({@code JAZZER_FUZZ=1}) is described in {@code docs/fuzzing.md}.
 */
class LogParserFuzzTest {
    /** The clock of the parse fixtures, so accepted events do not depend on the day of the run. */
    private static final Clock CLOCK =
            Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);

    /** Jazzer's inputs are at most a few KiB; a smaller limit lets it reach the size check too. */
    private static final LogParser PARSER =
            new LogParser(new ParserSettings(2048, Duration.ofMinutes(5), CLOCK));

    /** Generous for a parser that takes microseconds per line; a hang is caught, not GC noise. */
    private static final long MAX_NANOS = Duration.ofSeconds(2).toNanos();

    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) {
        long start = System.nanoTime();
        ParseResult result = PARSER.parse(input);
        long took = System.nanoTime() - start;

        assertThat(result).isNotNull();
        assertThat(took).as("parse took %d ms", took / 1_000_000).isLessThan(MAX_NANOS);
        if (result.isEvent()) {
            assertThat(result.event().clientip()).isNotBlank();
        } else {
            assertThat(result.reason()).isNotNull();
            assertThat(result.detail())
                    .isNotBlank()
                    .hasSizeLessThanOrEqualTo(200)
                    // The catch-all in parse() is for bugs; reaching it is a finding.
                    .doesNotStartWith("parser failure");
        }
    }
}
