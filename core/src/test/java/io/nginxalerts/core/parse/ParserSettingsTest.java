package io.nginxalerts.core.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ParserSettingsTest {

    @Test
    void defaultsAre64KibFiveMinutesAndTheSystemUtcClock() {
        ParserSettings defaults = ParserSettings.defaults();
        assertThat(defaults.maxLineBytes()).isEqualTo(65536);
        assertThat(defaults.maxFutureSkew()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.clock()).isEqualTo(Clock.systemUTC());
    }

    @Test
    void rejectsANonPositiveLineLimit() {
        assertThatThrownBy(() -> new ParserSettings(0, Duration.ZERO, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxLineBytes");
    }

    @Test
    void rejectsANegativeSkew() {
        assertThatThrownBy(() -> new ParserSettings(1, Duration.ofSeconds(-1), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxFutureSkew");
    }

    @Test
    void rejectsMissingSkewOrClock() {
        assertThatThrownBy(() -> new ParserSettings(1, null, Clock.systemUTC()))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("maxFutureSkew");
        assertThatThrownBy(() -> new ParserSettings(1, Duration.ZERO, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("clock");
    }

    @Test
    void acceptsZeroSkew() {
        assertThat(new ParserSettings(1, Duration.ZERO, Clock.systemUTC()).maxFutureSkew())
                .isZero();
    }
}
