package io.nginxalerts.core.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogBucketsTest {
    @Test
    void aPositiveValueIsReportedWithinOnePercent() {
        Random random = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            long milli = 1 + (long) Math.pow(10, random.nextDouble() * 12);
            double x = milli / 1000.0;
            double reported = LogBuckets.value(LogBuckets.key(milli));
            assertThat(Math.abs(reported - x) / x).as("%d", milli).isLessThanOrEqualTo(0.01);
        }
    }

    @Test
    void bucketsCoverHalfOpenIntervalsOfRelativeWidthG() {
        // 1.0 is g^0: the upper end of bucket 0, so 1.001 starts the next one.
        assertThat(LogBuckets.key(1000)).isEqualTo(LogBuckets.key(981));
        assertThat(LogBuckets.key(1001)).isEqualTo(LogBuckets.key(1000) + 1);
        assertThat(LogBuckets.key(1020)).isEqualTo(LogBuckets.key(1001));
        assertThat(LogBuckets.key(1021)).isEqualTo(LogBuckets.key(1020) + 1);
        assertThat(LogBuckets.value(LogBuckets.key(1000))).isCloseTo(2 / 2.02, within(1e-12));
    }

    @Test
    void keysOrderAsTheValuesDo() {
        long previous = Long.MIN_VALUE;
        for (long milli : new long[] {-5000, -1, 0, 1, 2, 900, 1000, 1001, 3_000_000, 1L << 50}) {
            long key = LogBuckets.key(milli);
            assertThat(key).as("%d", milli).isGreaterThan(previous);
            previous = key;
        }
    }

    @Test
    void zeroAndNegativeValuesAreExact() {
        assertThat(LogBuckets.value(LogBuckets.key(0))).isEqualTo(0.0);
        assertThat(LogBuckets.value(LogBuckets.key(-1234))).isEqualTo(-1.234);
    }

    @Test
    void nearestRankIsTheCeilingOfPTimesN() {
        assertThat(LogBuckets.rank(95, 1)).isEqualTo(1);
        assertThat(LogBuckets.rank(95, 20)).isEqualTo(19);
        assertThat(LogBuckets.rank(95, 21)).isEqualTo(20);
        assertThat(LogBuckets.rank(50, 4)).isEqualTo(2);
        assertThat(LogBuckets.rank(99, 100)).isEqualTo(99);
        assertThat(LogBuckets.rank(99, 101)).isEqualTo(100);
    }
}
