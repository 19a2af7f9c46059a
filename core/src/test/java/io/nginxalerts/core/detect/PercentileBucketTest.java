package io.nginxalerts.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link ValueDetector#bucketOfRank} finds the bucket of the rank-th smallest value, whether it
 * counts up from the bottom (low percentiles) or down from the top (high ones).
 */
class PercentileBucketTest {

    @Test
    void findsTheBucketOfTheRankFromEitherEnd() {
        Random random = new Random(3);
        for (int round = 0; round < 500; round++) {
            int count = 1 + random.nextInt(300);
            TreeMap<Long, Integer> buckets = new TreeMap<>();
            List<Long> values = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long key = random.nextInt(1 + random.nextInt(40));
                buckets.merge(key, 1, Integer::sum);
                values.add(key);
            }
            Collections.sort(values);
            for (int p : new int[] {1, 10, 50, 51, 90, 95, 99, 100}) {
                long rank = LogBuckets.rank(p, count);

                assertThat(ValueDetector.bucketOfRank(buckets, rank, count))
                        .as("p%d of %d values, round %d", p, count, round)
                        .isEqualTo(values.get((int) rank - 1));
            }
        }
    }
}
