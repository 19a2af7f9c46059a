package io.nginxalerts.job.testing;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.testing.Poll;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.Jedis;

/** Reads the alerts the job pushed onto a Redis list (on 127.0.0.1), without taking them off. */
public final class RedisAlerts {
    private RedisAlerts() {}

    /** Every alert on the list, newest first (the job LPUSHes). */
    public static List<Alert> read(int redisPort, String list) {
        try (Jedis jedis = new Jedis("127.0.0.1", redisPort)) {
            return jedis.lrange(list, 0, -1).stream().map(AlertCodec::decode).toList();
        }
    }

    /** The ids of {@link #read}, in the same order (a repeated alert appears twice). */
    public static List<String> ids(int redisPort, String list) {
        return read(redisPort, list).stream().map(Alert::id).toList();
    }

    /** Waits until the list holds at least {@code expected} alerts; returns them. */
    public static List<Alert> await(int redisPort, String list, int expected, Duration timeout) {
        return Poll.until(timeout, () -> read(redisPort, list), a -> a.size() >= expected);
    }
}
