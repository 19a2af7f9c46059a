package io.nginxalerts.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one duration notation of rule files, flags, environment variables and messages. */
class DurationsTest {

    @Test
    void durationsTakeOneWholeNumberAndOneUnit() {
        assertThat(Durations.tryParse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.tryParse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.tryParse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.tryParse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.tryParse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.tryParse("0s")).isEqualTo(Duration.ZERO);
        for (String bad :
                new String[] {
                    "",
                    "s",
                    "1",
                    "1.5s",
                    "-1s",
                    "1 s",
                    "1S",
                    "1m30s",
                    "PT1M",
                    "1w",
                    "9999999999s",
                    null
                }) {
            assertThat(Durations.tryParse(bad)).as(bad).isNull();
        }
    }

    @Test
    void durationsFormatInTheLargestWholeUnit() {
        assertThat(Durations.format(Duration.ofDays(1))).isEqualTo("1d");
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void twoDaysPrintAsTwoDaysEverywhere() {
        // The job's alert text, the rule loader's messages and the worker's log lines all print
        // through format(); before it was one formatter, the same value printed 2d and 48h.
        assertThat(Durations.format(Duration.ofDays(2))).isEqualTo("2d");
        assertThat(Durations.format(Duration.ofHours(24))).isEqualTo("1d");
        assertThat(Durations.format(Duration.ofHours(36))).isEqualTo("36h");
    }

    @Test
    void whatFormatPrintsParsesBackToTheSameDuration() {
        for (Duration d :
                new Duration[] {
                    Duration.ZERO,
                    Duration.ofMillis(1),
                    Duration.ofMillis(1500),
                    Duration.ofSeconds(59),
                    Duration.ofMinutes(61),
                    Duration.ofHours(25),
                    Duration.ofDays(400)
                }) {
            assertThat(Durations.parse(Durations.format(d))).as(d.toString()).isEqualTo(d);
        }
    }

    @Test
    void parseIgnoresSurroundingSpaceAndQuotesTheBadText() {
        assertThat(Durations.parse(" 30s ")).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> Durations.parse("10"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'10'")
                .hasMessageContaining("500ms, 30s, 10m, 24h or 1d");
        assertThatThrownBy(() -> Durations.parse(null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
