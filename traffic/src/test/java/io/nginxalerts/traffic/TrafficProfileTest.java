package io.nginxalerts.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrafficProfileTest {

    @Test
    void builderChangesOnlyWhatItIsTold() {
        TrafficProfile demo = TrafficProfile.demo();
        TrafficProfile changed = demo.toBuilder().distinctIps(1_000_000).seed(7).build();

        assertThat(changed.distinctIps()).isEqualTo(1_000_000);
        assertThat(changed.seed()).isEqualTo(7);
        assertThat(changed.toBuilder().distinctIps(5_000).seed(42).build()).isEqualTo(demo);
        assertThat(TrafficProfile.builder().build()).isEqualTo(demo);
    }

    @Test
    void benchProfileHasJitterAndTheRequestedPopulation() {
        TrafficProfile bench = TrafficProfile.bench(100_000);
        assertThat(bench.distinctIps()).isEqualTo(100_000);
        assertThat(bench.maxJitter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(TrafficProfile.demo().maxJitter()).isEqualTo(Duration.ZERO);
    }

    @Test
    void rejectsSettingsOutsideTheirRange() {
        TrafficProfile.Builder b = TrafficProfile.demo().toBuilder();
        assertThatThrownBy(() -> b.distinctIps(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrafficProfile.demo().toBuilder().zipfExponent(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrafficProfile.demo().toBuilder().attackFraction(0.9).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                TrafficProfile.demo().toBuilder()
                                        .maxJitter(Duration.ofSeconds(-1))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrafficProfile.demo().toBuilder().eventsPerSecond(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrafficProfile.demo().toBuilder().start(null).build())
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void aMillionClientsCostNoMemoryUpFront() {
        TrafficGenerator generator = new TrafficGenerator(TrafficProfile.bench(1_000_000));
        for (int i = 0; i < 10_000; i++) {
            generator.next();
        }
        assertThat(generator.lines()).isEqualTo(10_000);
    }
}
