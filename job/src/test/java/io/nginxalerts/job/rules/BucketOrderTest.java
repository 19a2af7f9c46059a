package io.nginxalerts.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.testing.TestAlerts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RuleGroupOperator#sortByTime} orders a bucket as a stable sort by timestamp would: equal
 * timestamps stay in arrival order, whatever the bucket's size and spread.
 */
class BucketOrderTest {

    @Test
    void ordersByTimestampKeepingArrivalOrderForEqualTimestamps() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            int size = 1 + random.nextInt(round < 100 ? 8 : 400);
            long spread = 1 + random.nextInt(round % 2 == 0 ? 3 : 200);
            List<RoutedEvent> bucket = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                bucket.add(event(1_795_000_000_000L + random.nextLong(spread), i));
            }
            List<RoutedEvent> expected = new ArrayList<>(bucket);
            expected.sort(Comparator.comparingLong(r -> r.event.timestamp()));

            RuleGroupOperator.sortByTime(bucket);

            assertThat(bucket).as("round %d", round).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void fallsBackToTheGeneralSortWhenTheTimesSpanMoreThanItsKeyHolds() {
        List<RoutedEvent> bucket =
                new ArrayList<>(
                        List.of(
                                event(Long.MAX_VALUE - 1, 0),
                                event(0, 1),
                                event(Long.MAX_VALUE - 1, 2)));

        RuleGroupOperator.sortByTime(bucket);

        assertThat(bucket).extracting(r -> r.key).containsExactly("1", "0", "2");
    }

    private static RoutedEvent event(long ts, int arrival) {
        return new RoutedEvent(
                String.valueOf(arrival),
                TestAlerts.request(ts, "203.0.113.7", "GET", "/", 200),
                new long[] {1},
                0);
    }
}
