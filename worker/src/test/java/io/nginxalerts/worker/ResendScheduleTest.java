package io.nginxalerts.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.testing.TestAlerts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The re-send timing, driven by a test clock: no sleeps. */
class ResendScheduleTest {
    private static final Duration EVERY = Duration.ofMinutes(1);
    private static final long START = 1_000_000L;

    private final AtomicLong now = new AtomicLong(START);

    private ResendSchedule schedule(int max, int targets) {
        return new ResendSchedule(EVERY, max, targets, now::get);
    }

    /** A firing alert of its own episode: client {@code ip}, first seen at {@code firstSeen}. */
    private static Alert firing(String ip, long firstSeen) {
        Alert a = TestAlerts.alert("id-" + ip, ip, "/x", "curl/8.0");
        return new Alert(
                a.id(),
                a.rule(),
                a.severity(),
                a.key(),
                a.count(),
                firstSeen,
                firstSeen,
                firstSeen,
                a.summary(),
                a.description(),
                a.evidence(),
                a.schema());
    }

    private void advance(Duration d) {
        now.addAndGet(d.toMillis());
    }

    @Test
    void aFiringAlertIsDueAgainOneIntervalAfterItWasPosted() {
        ResendSchedule s = schedule(10, 1);
        Alert a = firing("203.0.113.1", 1);
        s.fired(a, 0);

        advance(EVERY.minusMillis(1));
        assertThat(s.due(0)).isEmpty();
        advance(Duration.ofMillis(1));
        assertThat(s.due(0)).containsExactly(a);

        s.sent(0, List.of(a));
        assertThat(s.due(0)).isEmpty();
        advance(EVERY);
        assertThat(s.due(0)).containsExactly(a);
    }

    @Test
    void anUpdateOfTheEpisodeReplacesTheAlertAndPostponesItsResend() {
        ResendSchedule s = schedule(10, 1);
        Alert a = firing("203.0.113.1", 1);
        s.fired(a, 0);
        advance(Duration.ofSeconds(40));
        Alert update = a.updated(50, 9_000, 1, 9_000);
        s.fired(update, 0);

        advance(Duration.ofSeconds(40));
        assertThat(s.due(0)).isEmpty();
        advance(Duration.ofSeconds(20));
        assertThat(s.due(0)).containsExactly(update);
        assertThat(s.size()).isEqualTo(1);
    }

    @Test
    void aResolvedEpisodeIsNeverDueAgain() {
        ResendSchedule s = schedule(10, 2);
        Alert a = firing("203.0.113.1", 1);
        s.fired(a, 0);
        s.resolved(a.fingerprint());

        advance(EVERY.multipliedBy(3));
        assertThat(s.due(0)).isEmpty();
        assertThat(s.due(1)).isEmpty();
        assertThat(s.size()).isZero();
    }

    @Test
    void eachTargetHasItsOwnTimingAndAFailedTargetIsRetriedSoonerButNotLaterThanTheInterval() {
        ResendSchedule s = schedule(10, 2);
        Alert a = firing("203.0.113.1", 1);
        s.fired(a, 0);
        s.fired(a, 1);
        advance(EVERY);
        s.sent(0, s.due(0));
        s.failed(1, s.due(1), Duration.ofSeconds(5));

        advance(Duration.ofSeconds(5));
        assertThat(s.due(0)).isEmpty();
        assertThat(s.due(1)).containsExactly(a);

        s.failed(1, List.of(a), Duration.ofHours(1));
        advance(EVERY);
        assertThat(s.due(1)).containsExactly(a);
    }

    @Test
    void keepsAtMostMaxFiringAndDropsTheOldestEpisode() {
        ResendSchedule s = schedule(2, 1);
        Alert oldest = firing("203.0.113.1", 100);
        Alert middle = firing("203.0.113.2", 200);
        Alert newest = firing("203.0.113.3", 300);

        assertThat(s.fired(middle, 0)).isEmpty();
        assertThat(s.fired(oldest, 0)).isEmpty();
        assertThat(s.fired(newest, 0)).containsExactly(oldest);

        advance(EVERY);
        assertThat(s.due(0)).containsExactly(middle, newest);
    }

    @Test
    void syncAddsStoredAlertsDueAtOnceAndForgetsThoseResolvedElsewhere() {
        ResendSchedule s = schedule(10, 2);
        Alert mine = firing("203.0.113.1", 1);
        Alert resolvedElsewhere = firing("203.0.113.2", 2);
        Alert earlierRun = firing("203.0.113.3", 3);
        s.fired(mine, 0);
        s.fired(resolvedElsewhere, 0);
        advance(Duration.ofSeconds(1));

        assertThat(s.syncDue()).isTrue();
        s.sync(Map.of(mine.fingerprint(), mine, earlierRun.fingerprint(), earlierRun), now.get());

        assertThat(s.due(0)).containsExactly(earlierRun);
        assertThat(s.due(1)).containsExactly(earlierRun);
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.syncDue()).isFalse();
        advance(EVERY);
        assertThat(s.syncDue()).isTrue();
    }

    @Test
    void syncKeepsAnAlertFiredAfterTheReadBegan() {
        ResendSchedule s = schedule(10, 1);
        long readAt = now.get();
        advance(Duration.ofMillis(5));
        Alert justDelivered = firing("203.0.113.1", 1);
        s.fired(justDelivered, 0);

        s.sync(Map.of(), readAt);

        assertThat(s.size()).isEqualTo(1);
    }

    @Test
    void excessNamesTheOldestStoredEpisodesBeyondTheBound() {
        ResendSchedule s = schedule(2, 1);
        Alert a = firing("203.0.113.1", 100);
        Alert b = firing("203.0.113.2", 200);
        Alert c = firing("203.0.113.3", 300);

        assertThat(s.excess(Map.of(a.fingerprint(), a, b.fingerprint(), b))).isEmpty();
        assertThat(s.excess(Map.of(c.fingerprint(), c, a.fingerprint(), a, b.fingerprint(), b)))
                .containsExactly(a);
    }
}
