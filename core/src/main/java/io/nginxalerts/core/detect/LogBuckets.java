package io.nginxalerts.core.detect;

/**
 * The buckets a value rule's percentiles are taken over: a positive value x falls in bucket i
 * covering {@code (g^(i-1), g^i]} with {@code g = 1.02} and is reported as {@code 2 g^i / (1 + g)},
 * within 1% of x; zero and each negative value are buckets of their own, reported exactly. Bucket
 * keys ({@link #key}) order as the values do, so a sorted map of key to count gives nearest-rank
 * percentiles in one pass over at most some 2,100 positive buckets.
 */
public final class LogBuckets {
    /** The relative width of a bucket. */
    public static final double G = 1.02;

    private static final double LOG_G = Math.log(G);

    /** Keys of positive buckets are this plus the bucket index (about -350 for 0.001 and up). */
    private static final long POSITIVE = 1_000_000L;

    private LogBuckets() {}

    /** The bucket of a value given in thousandths (see {@link NumericValues}). */
    public static long key(long milli) {
        if (milli <= 0) {
            return milli;
        }
        double x = milli / 1000.0;
        int i = (int) Math.ceil(Math.log(x) / LOG_G);
        // The logarithm can be off by one ulp at a boundary: settle on (g^(i-1), g^i].
        while (Math.pow(G, i - 1) >= x) {
            i--;
        }
        while (Math.pow(G, i) < x) {
            i++;
        }
        return POSITIVE + i;
    }

    /** The value a bucket stands for: its exact value at or below zero, else {@code 2g^i/(1+g)}. */
    public static double value(long key) {
        if (key <= 0) {
            return key / 1000.0;
        }
        return 2 * Math.pow(G, key - POSITIVE) / (1 + G);
    }

    /**
     * The nearest rank of percentile {@code p} among {@code n} values: ceil(p/100 * n), 1-based.
     */
    public static long rank(int p, long n) {
        return Math.max(1, (p * n + 99) / 100);
    }
}
