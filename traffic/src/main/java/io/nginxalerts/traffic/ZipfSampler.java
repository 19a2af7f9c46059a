package io.nginxalerts.traffic;

import java.util.SplittableRandom;

/**
 * Draws ranks {@code 1..n} with probability proportional to {@code rank^-exponent}, in constant
 * time and memory (Hörmann and Derflinger's rejection-inversion method, as used by Apache Commons
 * RNG), so a population of millions of clients costs no table and no binary search.
 */
final class ZipfSampler {

    private final int n;
    private final double exponent;
    private final double hIntegralX1;
    private final double hIntegralN;
    private final double s;
    private final double norm;

    ZipfSampler(int n, double exponent) {
        if (n < 1 || !(exponent > 0)) {
            throw new IllegalArgumentException("n must be >= 1 and exponent > 0");
        }
        this.n = n;
        this.exponent = exponent;
        this.hIntegralX1 = hIntegral(1.5) - 1.0;
        this.hIntegralN = hIntegral(n + 0.5);
        this.s = 2.0 - hIntegralInverse(hIntegral(2.5) - h(2.0));
        this.norm = normalisation(n, exponent);
    }

    int sample(SplittableRandom rng) {
        while (true) {
            double u = hIntegralN + rng.nextDouble() * (hIntegralX1 - hIntegralN);
            double x = hIntegralInverse(u);
            int k = (int) (x + 0.5);
            if (k < 1) {
                k = 1;
            } else if (k > n) {
                k = n;
            }
            // Accepts at once in the vast majority of draws; the second test is the exact one.
            if (k - x <= s || u >= hIntegral(k + 0.5) - h(k)) {
                return k;
            }
        }
    }

    /**
     * The probability of {@code rank}: exact sum for the head of the distribution, integral for the
     * tail (the error is far below what the traffic model needs).
     */
    double probability(int rank) {
        return Math.pow(rank, -exponent) / norm;
    }

    private static double normalisation(int n, double exponent) {
        int head = Math.min(n, 10_000);
        double sum = 0;
        for (int k = 1; k <= head; k++) {
            sum += Math.pow(k, -exponent);
        }
        if (n > head) {
            // Integral of x^-e from head + 0.5 to n + 0.5 (midpoint rule for the tail).
            double a = head + 0.5;
            double b = n + 0.5;
            sum +=
                    Math.abs(exponent - 1.0) < 1e-9
                            ? Math.log(b / a)
                            : (Math.pow(b, 1 - exponent) - Math.pow(a, 1 - exponent))
                                    / (1 - exponent);
        }
        return sum;
    }

    private double h(double x) {
        return Math.exp(-exponent * Math.log(x));
    }

    private double hIntegral(double x) {
        double logX = Math.log(x);
        return helper2((1.0 - exponent) * logX) * logX;
    }

    private double hIntegralInverse(double x) {
        double t = x * (1.0 - exponent);
        if (t < -1.0) {
            t = -1.0;
        }
        return Math.exp(helper1(t) * x);
    }

    /** {@code log1p(x) / x}, continuous at 0. */
    private static double helper1(double x) {
        return Math.abs(x) > 1e-8
                ? Math.log1p(x) / x
                : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
    }

    /** {@code expm1(x) / x}, continuous at 0. */
    private static double helper2(double x) {
        return Math.abs(x) > 1e-8
                ? Math.expm1(x) / x
                : 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
    }
}
