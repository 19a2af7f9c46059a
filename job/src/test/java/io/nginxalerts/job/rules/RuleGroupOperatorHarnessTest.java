package io.nginxalerts.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.testing.GroupHarness;
import io.nginxalerts.job.testing.NginxLines;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.TestAlerts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Several rules of one {@code group_by} in one {@link RuleGroupOperator}: each keeps its own state
 * per key, and across a savepoint a rule keeps its state only if its fingerprint is unchanged.
 */
class RuleGroupOperatorHarnessTest {
    static final long BEGINNING = NginxLines.BEGINNING.toEpochMilli();
    static final long ONE_HOUR_LATER = BEGINNING + Duration.ofHours(1).toMillis();
    static final String CLIENT = "203.0.113.7";

    static final Rule THREE_ERRORS =
            fingerprinted(
                    TestRules.rule(
                            "three-errors",
                            """
                            severity: warning
                            group_by: [clientip]
                            match: { status: 4xx }
                            threshold: 3
                            within: 60s
                            resolve_after: 1s
                            """),
                    "errors-v1");

    static final Rule THREE_PATHS =
            fingerprinted(
                    TestRules.rule(
                            "three-paths",
                            """
                            severity: warning
                            group_by: [clientip]
                            match: { status: 404 }
                            distinct: path
                            threshold: 3
                            within: 60s
                            resolve_after: 1s
                            """),
                    "paths-v1");

    @Test
    void rulesOfOneGroupCountTheirOwnEventsPerKey() throws Exception {
        try (GroupHarness harness = GroupHarness.open(THREE_ERRORS, THREE_PATHS)) {
            // Three 4xx on one path: the threshold rule fires, the distinct rule has one path.
            send(harness, BEGINNING, 404, "/a");
            send(harness, BEGINNING + 1000, 403, "/a");
            send(harness, BEGINNING + 2000, 404, "/a");
            // Two more paths: the distinct rule fires (403 is not a 404, so /x is not counted);
            // the same three events are the threshold rule's second window.
            send(harness, BEGINNING + 3000, 404, "/b");
            send(harness, BEGINNING + 4000, 403, "/x");
            send(harness, BEGINNING + 5000, 404, "/c");

            harness.watermark(ONE_HOUR_LATER);

            // resolve_after 1s: each match is an episode of its own, resolved a second later.
            assertThat(harness.firing())
                    .extracting(Alert::rule, Alert::lastSeen)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("three-errors", BEGINNING + 2000),
                            org.assertj.core.groups.Tuple.tuple("three-errors", BEGINNING + 5000),
                            org.assertj.core.groups.Tuple.tuple("three-paths", BEGINNING + 5000));
            assertThat(harness.resolved())
                    .extracting(Alert::rule, Alert::endsAt)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("three-errors", BEGINNING + 3000),
                            org.assertj.core.groups.Tuple.tuple("three-errors", BEGINNING + 6000),
                            org.assertj.core.groups.Tuple.tuple("three-paths", BEGINNING + 6000));
            assertThat(harness.keyedStateEntries()).isZero();
            assertThat(harness.timers()).isZero();
        }
    }

    @Test
    void afterARestoreAnUnchangedRuleKeepsItsCountAndAChangedOneStartsFresh() throws Exception {
        GroupHarness harness = GroupHarness.open(THREE_ERRORS, THREE_PATHS);
        send(harness, BEGINNING, 404, "/a");
        send(harness, BEGINNING + 1000, 404, "/b");
        harness.watermark(BEGINNING + 1000);

        // Same id, another fingerprint: the rule's matching content changed.
        Rule changedPaths = fingerprinted(THREE_PATHS, "paths-v2");
        harness = harness.restart(1L, THREE_ERRORS, changedPaths);
        try {
            send(harness, BEGINNING + 2000, 404, "/c");
            harness.watermark(BEGINNING + 2000);

            assertThat(harness.alerts())
                    .as("two errors and two paths were kept for the rules as they were")
                    .extracting(Alert::rule)
                    .containsExactly("three-errors");

            harness.watermark(ONE_HOUR_LATER);
            assertThat(harness.keyedStateEntries()).isZero();
            assertThat(harness.timers()).isZero();
        } finally {
            harness.close();
        }
    }

    @Test
    void aRemovedRulesStateIsDroppedWhenItsKeyIsNextTouched() throws Exception {
        GroupHarness harness = GroupHarness.open(THREE_ERRORS, THREE_PATHS);
        send(harness, BEGINNING, 404, "/a");
        harness.watermark(BEGINNING);
        assertThat(harness.keyedStateEntries()).isPositive();

        harness = harness.restart(1L, THREE_ERRORS);
        try {
            send(harness, BEGINNING + 1000, 404, "/b");
            send(harness, BEGINNING + 2000, 404, "/c");
            harness.watermark(ONE_HOUR_LATER);

            assertThat(harness.alerts())
                    .extracting(Alert::rule, Alert::status)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(
                                    "three-errors", Alert.Status.FIRING),
                            org.assertj.core.groups.Tuple.tuple(
                                    "three-errors", Alert.Status.RESOLVED));
            assertThat(harness.keyedStateEntries()).isZero();
            assertThat(harness.timers()).isZero();
        } finally {
            harness.close();
        }
    }

    static final Rule EVERY_ERROR =
            TestRules.rule(
                    "every-error",
                    """
                    severity: info
                    group_by: [clientip]
                    match: { status: 4xx }
                    threshold: 1
                    within: 1s
                    resolve_after: 1m
                    """);

    @Test
    void anEpisodeExtendedByEveryMatchKeepsOneTimerAndReArmsItWhenItFiresEarly() throws Exception {
        try (GroupHarness harness = GroupHarness.open(EVERY_ERROR)) {
            for (int i = 0; i < 10; i++) {
                send(harness, BEGINNING + i * 1000L, 404, "/" + i);
                harness.watermark(BEGINNING + i * 1000L);
            }
            // Ten matches, one episode, and one timer (at the first match + 1m), not ten.
            assertThat(harness.firing()).hasSize(1);
            assertThat(harness.timers()).isOne();

            // The timer fires before the episode's end (the last match + 1m): re-armed there.
            harness.watermark(BEGINNING + 60_000);
            assertThat(harness.resolved()).isEmpty();
            assertThat(harness.timers()).isOne();

            harness.watermark(BEGINNING + 69_000);
            assertThat(harness.resolved())
                    .singleElement()
                    .satisfies(r -> assertThat(r.endsAt()).isEqualTo(BEGINNING + 69_000));
            assertThat(harness.keyedStateEntries()).isZero();
            assertThat(harness.timers()).isZero();
        }
    }

    @Test
    void aMatchAtTheEpisodesEndResolvesItFirstThenOpensANewEpisode() throws Exception {
        try (GroupHarness harness = GroupHarness.open(EVERY_ERROR)) {
            send(harness, BEGINNING, 404, "/a");
            // Exactly resolve_after after the first match: the next episode, with a new id.
            send(harness, BEGINNING + 60_000, 404, "/b");
            harness.watermark(BEGINNING + 60_000);

            assertThat(harness.alerts())
                    .extracting(Alert::status, Alert::lastSeen)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(Alert.Status.FIRING, BEGINNING),
                            org.assertj.core.groups.Tuple.tuple(Alert.Status.RESOLVED, BEGINNING),
                            org.assertj.core.groups.Tuple.tuple(
                                    Alert.Status.FIRING, BEGINNING + 60_000));
            assertThat(harness.resolved().get(0).endsAt()).isEqualTo(BEGINNING + 60_000);
            assertThat(harness.firing().get(1).id()).isNotEqualTo(harness.firing().get(0).id());

            harness.watermark(ONE_HOUR_LATER);
            assertThat(harness.resolved()).hasSize(2);
            assertThat(harness.keyedStateEntries()).isZero();
            assertThat(harness.timers()).isZero();
        }
    }

    static void send(GroupHarness harness, long t, int status, String path) throws Exception {
        AccessEvent event = TestAlerts.request(t, CLIENT, "GET", path, status);
        harness.send(event);
    }

    static Rule fingerprinted(Rule r, String fingerprint) {
        return new Rule(
                r.id(),
                r.description(),
                r.severity(),
                r.groupBy(),
                r.steps(),
                r.within(),
                r.suppress(),
                r.source(),
                r.kind(),
                fingerprint,
                r.resolveAfter(),
                r.updateEvery());
    }
}
