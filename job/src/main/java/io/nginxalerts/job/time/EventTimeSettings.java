package io.nginxalerts.job.time;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the job tracks event time.
 *
 * @param maxOutOfOrderness how far behind the newest event an event may arrive and still count
 * @param partitionIdleness after this long without events a Kafka partition stops holding the
 *     watermark back ({@link Duration#ZERO} disables)
 * @param idleFlushAfter after this long without any event, event time moves forward by the
 *     wall-clock time that passes ({@link Duration#ZERO} disables); see {@link IdleSourceFlush}
 */
public record EventTimeSettings(
        Duration maxOutOfOrderness, Duration partitionIdleness, Duration idleFlushAfter)
        implements Serializable {

    public static EventTimeSettings defaults() {
        return new EventTimeSettings(
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15));
    }
}
