package io.nginxalerts.traffic;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Settings of a {@link TrafficGenerator}; together they fix its output byte for byte.
 *
 * <p>Guarantees: every instance is valid (the constructor rejects anything else) and immutable.
 *
 * @param seed seeds every random choice; the same profile always yields the same lines
 * @param distinctIps size of the normal client population (1 to 100 million); attackers use
 *     addresses outside it
 * @param zipfExponent skew of requests over the client population (client of rank {@code k} sends a
 *     share proportional to {@code k^-zipfExponent}); about 1.1 for web traffic
 * @param attackFraction approximate share of lines that come from attackers (0 to 0.5)
 * @param maxJitter how much earlier than its emission order a line's timestamp may be (0 to 60 s)
 * @param eventsPerSecond lines per second of event time (normal and attack lines together,
 *     approximately; upstream failures add about one line per second while they last)
 * @param start event time of the first line
 * @param upstreamEpisodesPerHour mean number of upstream failures per hour of event time (0 for
 *     none); when not 0 the first one starts within the first minute
 * @param nearMissesPerHour mean number of {@link NearMissKind near misses} per hour of event time
 *     (0 for none); when not 0, uptime monitors check the sites all the time as well and the shop's
 *     upstreams answer about 1% of requests with a 5xx, as a busy site does
 */
public record TrafficProfile(
        long seed,
        int distinctIps,
        double zipfExponent,
        double attackFraction,
        Duration maxJitter,
        double eventsPerSecond,
        Instant start,
        double upstreamEpisodesPerHour,
        double nearMissesPerHour) {

    /** The start of {@link #demo()} and {@link #bench(int)}: 2026-11-26T10:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2026-11-26T10:00:00Z");

    public TrafficProfile {
        Objects.requireNonNull(maxJitter, "maxJitter");
        Objects.requireNonNull(start, "start");
        check(distinctIps >= 1 && distinctIps <= 100_000_000, "distinctIps must be 1..100000000");
        check(zipfExponent > 0 && zipfExponent <= 5, "zipfExponent must be in (0, 5]");
        check(attackFraction >= 0 && attackFraction <= 0.5, "attackFraction must be 0..0.5");
        check(
                !maxJitter.isNegative() && maxJitter.compareTo(Duration.ofSeconds(60)) <= 0,
                "maxJitter must be 0..60s");
        check(
                eventsPerSecond > 0 && eventsPerSecond <= 10_000_000,
                "eventsPerSecond must be in (0, 10000000]");
        check(
                upstreamEpisodesPerHour >= 0 && upstreamEpisodesPerHour <= 3600,
                "upstreamEpisodesPerHour must be 0..3600");
        check(
                nearMissesPerHour >= 0 && nearMissesPerHour <= 3600,
                "nearMissesPerHour must be 0..3600");
    }

    /** A profile without near misses. */
    public TrafficProfile(
            long seed,
            int distinctIps,
            double zipfExponent,
            double attackFraction,
            Duration maxJitter,
            double eventsPerSecond,
            Instant start,
            double upstreamEpisodesPerHour) {
        this(
                seed,
                distinctIps,
                zipfExponent,
                attackFraction,
                maxJitter,
                eventsPerSecond,
                start,
                upstreamEpisodesPerHour,
                0);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * For the live demo: 5,000 clients, 50 lines per second, about 2% attack lines (a new attacker
     * every 20 s or so, the first within 15 s), no jitter, an upstream failure every 5 minutes.
     */
    public static TrafficProfile demo() {
        return new TrafficProfile(42L, 5_000, 1.1, 0.02, Duration.ZERO, 50, DEFAULT_START, 12);
    }

    /**
     * For benchmarks: {@code distinctIps} clients, 5,000 lines per second of event time, 1% attack
     * lines and up to 5 s of out-of-order jitter.
     */
    public static TrafficProfile bench(int distinctIps) {
        return new TrafficProfile(
                1L, distinctIps, 1.1, 0.01, Duration.ofSeconds(5), 5_000, DEFAULT_START, 12);
    }

    /**
     * For false-positive checks: only benign traffic (no attacks, no upstream failures), 2,000
     * clients, 5 lines per second, no jitter, and a near miss about every minute ({@link
     * NearMissKind}: searches with SQL words, file names with {@code ..}, a crawler's 404s,
     * mistyped passwords, a WordPress administrator, uptime monitors, 1% 5xx). No shipped rule
     * should alert on it.
     */
    public static TrafficProfile benign(long seed) {
        return new TrafficProfile(seed, 2_000, 1.1, 0.0, Duration.ZERO, 5, DEFAULT_START, 0, 60);
    }

    /** A builder that starts from {@link #demo()}. */
    public static Builder builder() {
        return demo().toBuilder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some settings of a profile; {@link #build()} validates them. */
    public static final class Builder {
        private long seed;
        private int distinctIps;
        private double zipfExponent;
        private double attackFraction;
        private Duration maxJitter;
        private double eventsPerSecond;
        private Instant start;
        private double upstreamEpisodesPerHour;
        private double nearMissesPerHour;

        private Builder(TrafficProfile p) {
            seed = p.seed;
            distinctIps = p.distinctIps;
            zipfExponent = p.zipfExponent;
            attackFraction = p.attackFraction;
            maxJitter = p.maxJitter;
            eventsPerSecond = p.eventsPerSecond;
            start = p.start;
            upstreamEpisodesPerHour = p.upstreamEpisodesPerHour;
            nearMissesPerHour = p.nearMissesPerHour;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder distinctIps(int distinctIps) {
            this.distinctIps = distinctIps;
            return this;
        }

        public Builder zipfExponent(double zipfExponent) {
            this.zipfExponent = zipfExponent;
            return this;
        }

        public Builder attackFraction(double attackFraction) {
            this.attackFraction = attackFraction;
            return this;
        }

        public Builder maxJitter(Duration maxJitter) {
            this.maxJitter = maxJitter;
            return this;
        }

        public Builder eventsPerSecond(double eventsPerSecond) {
            this.eventsPerSecond = eventsPerSecond;
            return this;
        }

        public Builder start(Instant start) {
            this.start = start;
            return this;
        }

        public Builder upstreamEpisodesPerHour(double upstreamEpisodesPerHour) {
            this.upstreamEpisodesPerHour = upstreamEpisodesPerHour;
            return this;
        }

        public Builder nearMissesPerHour(double nearMissesPerHour) {
            this.nearMissesPerHour = nearMissesPerHour;
            return this;
        }

        public TrafficProfile build() {
            return new TrafficProfile(
                    seed,
                    distinctIps,
                    zipfExponent,
                    attackFraction,
                    maxJitter,
                    eventsPerSecond,
                    start,
                    upstreamEpisodesPerHour,
                    nearMissesPerHour);
        }
    }
}
