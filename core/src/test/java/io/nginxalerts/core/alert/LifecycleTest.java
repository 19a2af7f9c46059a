package io.nginxalerts.core.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Lifecycle.Episode;
import io.nginxalerts.core.alert.Lifecycle.Outcome;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The episode state machine: firing, extension, updates, resolution by time and by hearing. */
class LifecycleTest {
    static final long MINUTE = 60_000;
    static final long NOW = 1_795_000_000_000L;

    static Rule rule(String extra) throws Exception {
        return RuleLoader.parse(
                "x.yaml",
                """
                id: x
                severity: info
                match: { status: 4xx }
                threshold: 3
                within: 1m
                """
                        + extra);
    }

    static Alert match(long firstSeen, long lastSeen, int count) {
        return new Alert(
                "m" + firstSeen,
                "x",
                "info",
                Map.of("clientip", "203.0.113.7"),
                count,
                firstSeen,
                lastSeen,
                0,
                "s",
                "d",
                List.of(),
                Alert.SCHEMA_VERSION);
    }

    @Test
    void theFirstMatchFiresLaterOnesExtendAndTheTimerResolvesAtLastMatchPlusResolveAfter()
            throws Exception {
        Lifecycle lifecycle = new Lifecycle(rule("resolve_after: 5m\n"));
        Alert first = match(0, 10_000, 3);

        Outcome opened = lifecycle.onMatch(null, first, NOW);
        assertThat(opened.records()).containsExactly(first);
        assertThat(opened.extended()).isFalse();
        assertThat(lifecycle.timer(opened.episode())).isEqualTo(10_000 + 5 * MINUTE);

        Outcome extended = lifecycle.onMatch(opened.episode(), match(MINUTE, 2 * MINUTE, 4), NOW);
        assertThat(extended.records()).isEmpty();
        assertThat(extended.extended()).isTrue();
        assertThat(extended.episode().lastMatch()).isEqualTo(2 * MINUTE);
        assertThat(extended.episode().count()).isEqualTo(7);

        long timer = lifecycle.timer(extended.episode());
        assertThat(timer).isEqualTo(7 * MINUTE);
        Outcome early = lifecycle.onTimer(extended.episode(), timer - 1, NOW);
        assertThat(early.records()).isEmpty();
        assertThat(early.episode()).isEqualTo(extended.episode());

        Outcome resolved = lifecycle.onTimer(extended.episode(), timer, NOW + 1);
        assertThat(resolved.episode()).isNull();
        assertThat(resolved.records()).containsExactly(first.resolvedAt(7 * MINUTE, NOW + 1));
        assertThat(resolved.resolvedCount()).isOne();
    }

    @Test
    void aMatchAtOrAfterTheEpisodesEndResolvesItAndOpensTheNextWithANewId() throws Exception {
        Lifecycle lifecycle = new Lifecycle(rule("resolve_after: 5m\n"));
        Alert first = match(0, 0, 3);
        Episode open = lifecycle.onMatch(null, first, NOW).episode();
        Alert next = match(5 * MINUTE, 5 * MINUTE, 3);

        Outcome outcome = lifecycle.onMatch(open, next, NOW);

        assertThat(outcome.records()).containsExactly(first.resolvedAt(5 * MINUTE, NOW), next);
        assertThat(outcome.episode().firing()).isEqualTo(next);
        assertThat(outcome.records().get(0).fingerprint()).isEqualTo(next.fingerprint());
        assertThat(outcome.records().get(0).id()).isNotEqualTo(next.id());
    }

    @Test
    void updatesComeAtMostOncePerUpdateEveryWithTheEpisodesCountSoFar() throws Exception {
        Lifecycle lifecycle = new Lifecycle(rule("resolve_after: 5m\nupdate_every: 2m\n"));
        Alert first = match(0, 0, 3);
        Episode e = lifecycle.onMatch(null, first, NOW).episode();

        Outcome one = lifecycle.onMatch(e, match(MINUTE, MINUTE, 3), NOW);
        assertThat(one.records()).isEmpty();
        Outcome two = lifecycle.onMatch(one.episode(), match(2 * MINUTE, 2 * MINUTE, 3), NOW);
        assertThat(two.records()).containsExactly(first.updated(9, 2 * MINUTE, 1, NOW));
        Outcome three = lifecycle.onMatch(two.episode(), match(3 * MINUTE, 3 * MINUTE, 3), NOW);
        assertThat(three.records()).isEmpty();
        Outcome four = lifecycle.onMatch(three.episode(), match(4 * MINUTE, 4 * MINUTE, 3), NOW);
        assertThat(four.records()).containsExactly(first.updated(15, 4 * MINUTE, 2, NOW));
        assertThat(four.records().get(0).id())
                .isNotEqualTo(two.records().get(0).id())
                .isNotEqualTo(first.id());
    }

    @Test
    void withoutUpdateEveryAnOpenEpisodeNeverEmitsOnAMatch() throws Exception {
        Lifecycle lifecycle = new Lifecycle(rule(""));
        Episode e = lifecycle.onMatch(null, match(0, 0, 3), NOW).episode();
        for (long t = 30_000; t < 10 * MINUTE; t += 30_000) {
            Outcome o = lifecycle.onMatch(e, match(t, t, 3), NOW);
            assertThat(o.records()).isEmpty();
            e = o.episode();
        }
        assertThat(e.updates()).isZero();
        assertThat(e.count()).isEqualTo(3 * 20);
    }

    @Test
    void anAbsenceRulesTimerWaitsItsAlertDelayButEndsAtDoesNot() throws Exception {
        Rule absent =
                RuleLoader.parse(
                        "x.yaml",
                        """
                        id: x
                        severity: info
                        sequence:
                          - match: { status: 401 }
                          - absent: { status: 200 }
                        within: 10m
                        resolve_after: 30m
                        """);
        Lifecycle lifecycle = new Lifecycle(absent);
        Alert first = match(0, MINUTE, 1);
        Episode e = lifecycle.onMatch(null, first, NOW).episode();

        assertThat(lifecycle.timer(e)).isEqualTo(MINUTE + 30 * MINUTE + 10 * MINUTE);
        assertThat(lifecycle.onTimer(e, lifecycle.timer(e), NOW).records())
                .containsExactly(first.resolvedAt(31 * MINUTE, NOW));
    }

    @Test
    void aSilenceEpisodeResolvesWhenTheKeyIsHeardAndIsForgottenIfItIsNot() throws Exception {
        Rule silence =
                RuleLoader.parse(
                        "x.yaml",
                        """
                        id: x
                        severity: info
                        group_by: [upstreamhost]
                        silent_for: 10m
                        within: 1m
                        resolve_after: 1h
                        """);
        Lifecycle lifecycle = new Lifecycle(silence);
        Alert silent = match(0, 0, 1);
        Episode e = lifecycle.onMatch(null, silent, NOW).episode();

        Outcome heard = lifecycle.onCleared(e, 25 * MINUTE, NOW);
        assertThat(heard.records()).containsExactly(silent.resolvedAt(25 * MINUTE, NOW));
        assertThat(heard.episode()).isNull();

        assertThat(lifecycle.timer(e)).isEqualTo(70 * MINUTE);
        Outcome forgotten = lifecycle.onTimer(e, 70 * MINUTE, NOW);
        assertThat(forgotten.records()).isEmpty();
        assertThat(forgotten.episode()).isNull();

        assertThat(lifecycle.onCleared(null, 25 * MINUTE, NOW).records()).isEmpty();

        // Heard at or after the timer, before the timer has fired: forgotten, as the timer would.
        Outcome late = lifecycle.onCleared(e, 70 * MINUTE, NOW);
        assertThat(late.records()).isEmpty();
        assertThat(late.episode()).isNull();
        assertThat(lifecycle.onCleared(e, 70 * MINUTE - 1, NOW).records())
                .containsExactly(silent.resolvedAt(70 * MINUTE - 1, NOW));
    }

    @Test
    void onlySilenceRulesListenToTheConditionClearing() throws Exception {
        Lifecycle lifecycle = new Lifecycle(rule(""));
        Episode e = lifecycle.onMatch(null, match(0, 0, 3), NOW).episode();

        Outcome o = lifecycle.onCleared(e, 1, NOW);
        assertThat(o.records()).isEmpty();
        assertThat(o.episode()).isEqualTo(e);
    }
}
