package io.nginxalerts.testing.reference;

import static io.nginxalerts.testing.reference.KindFixtures.BEGINNING;
import static io.nginxalerts.testing.reference.KindFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The reference for threshold and distinct rules gives what CEP and the sliding count give on the
 * window edges {@code ThresholdMatcherDifferentialITCase} checks, and suppresses per key.
 */
class ThresholdReferenceTest {
    private static final Rule THREE_IN_TWO_SECONDS =
            KindFixtures.rule("three", e -> e.status() >= 400, 3, 2000, new RuleKind.Count());

    private static AccessEvent at(int second, String ip, String path) {
        return event(BEGINNING + second * 1000L, ip, "GET", path, 404, "-");
    }

    @Test
    void thresholdAgreesWithCepOnWindowEdgesAndEqualTimestamps() {
        List<AccessEvent> events = new ArrayList<>();
        for (int s : new int[] {0, 1, 2}) {
            events.add(at(s, "10.0.1.1", "/"));
        }
        for (int i = 0; i < 3; i++) {
            events.add(at(10, "10.0.1.2", "/same/" + i));
        }
        for (int s : new int[] {21, 20, 21, 20, 21, 21, 20}) {
            events.add(at(s, "10.0.1.3", "/"));
        }
        for (int s : new int[] {30, 31, 35, 36, 36}) {
            events.add(at(s, "10.0.1.4", "/"));
        }

        Map<String, List<Alert>> byClient =
                ReferenceEvaluator.alerts(THREE_IN_TWO_SECONDS, events).stream()
                        .collect(
                                Collectors.groupingBy(
                                        a -> a.key().get("clientip"),
                                        TreeMap::new,
                                        Collectors.toList()));

        assertThat(byClient).doesNotContainKey("10.0.1.1");
        assertThat(byClient.get("10.0.1.2"))
                .singleElement()
                .satisfies(
                        a ->
                                assertThat(a.evidence())
                                        .extracting(AccessEvent::url)
                                        .containsExactly("/same/0", "/same/1", "/same/2"));
        assertThat(byClient.get("10.0.1.3")).hasSize(2);
        assertThat(byClient.get("10.0.1.4"))
                .singleElement()
                .satisfies(a -> assertThat(a.firstSeen()).isEqualTo(BEGINNING + 35_000));
    }

    @Test
    void distinctCountsTheLatestEventOfEachValue() {
        Rule rule = KindFixtures.rule("paths", e -> true, 3, 10_000, new RuleKind.Distinct("path"));
        List<AccessEvent> events =
                List.of(
                        at(0, "10.0.1.1", "/a"),
                        at(1, "10.0.1.1", "/b"),
                        at(2, "10.0.1.1", "/a"),
                        at(3, "10.0.1.1", "/c"));

        assertThat(ReferenceEvaluator.alerts(rule, events))
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.distinctCount()).isEqualTo(3);
                            assertThat(a.evidence())
                                    .extracting(AccessEvent::path)
                                    .containsExactly("/b", "/a", "/c");
                        });
    }

    @Test
    void suppressionKeepsOneAlertPerKeyAndSpan() {
        Rule rule =
                new Rule(
                        "three",
                        "",
                        THREE_IN_TWO_SECONDS.severity(),
                        THREE_IN_TWO_SECONDS.groupBy(),
                        THREE_IN_TWO_SECONDS.steps(),
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(10),
                        "test",
                        new RuleKind.Count(),
                        "");
        List<AccessEvent> events = new ArrayList<>();
        for (int s = 0; s < 15; s++) {
            events.add(at(s, "10.0.1.1", "/"));
            events.add(at(s, "10.0.1.2", "/"));
        }
        List<Alert> all = ReferenceEvaluator.alerts(rule, events);
        List<Alert> kept = ReferenceEvaluator.suppressed(rule, all);

        // Per client, matches end at 2, 5, 8, 11 and 14 s (each resets the window).
        assertThat(all).hasSize(10);
        // Kept: the one ending at 2 s, then the first at or after 2 + 10 s.
        assertThat(kept)
                .extracting(a -> a.lastSeen() - BEGINNING)
                .containsExactly(2_000L, 14_000L, 2_000L, 14_000L);
    }
}
