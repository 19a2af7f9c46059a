package io.nginxalerts.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Deduplication by alert id with one key per id, {@code <list>:seen:<id>}, in two steps so that
 * neither a crash nor a second copy loses or repeats an alert:
 *
 * <ol>
 *   <li>{@link #claim} before delivering: {@code SET NX} of {@code claimed <run> <worker>}. If the
 *       key says {@code delivered…}, the alert is a duplicate. If another worker's claim is there
 *       and that worker's heartbeat still holds the same run token, that worker is delivering the
 *       same id right now (its copy is safe in its processing list), so this copy is a duplicate
 *       too. A claim whose holder is dead or restarted (different run token) is stale and taken
 *       over: the holder crashed before finishing, so the alert must still be delivered.
 *   <li>{@link #ackDelivered} after every output accepted: {@code SET <key> delivered… EX ttl} and
 *       {@code LREM} from the processing list, atomically. A crash before it means the alert is
 *       delivered again on restart (the only window for a duplicate delivery: between the
 *       receiver's 2xx and this script); a crash after it cannot deliver twice.
 * </ol>
 *
 * <p>Claims live as long as the dedup TTL too; they never block delivery because a stale claim is
 * recognised by its run token, not by its expiry.
 */
final class Dedup {
    enum Verdict {
        /** This worker holds the claim and must deliver. */
        CLAIMED,
        /** Already delivered, or being delivered by a live worker: drop this copy. */
        DUPLICATE
    }

    private static final LuaScript CLAIM =
            new LuaScript(
                    """
                    local v = redis.call('GET', KEYS[1])
                    if v then
                      if string.sub(v, 1, 9) == 'delivered' then return 'duplicate' end
                      if v ~= ARGV[1] then
                        local run, holder = string.match(v, '^claimed (%S+) (.+)$')
                        if run and redis.call('GET', ARGV[3] .. holder) == run then
                          return 'busy'
                        end
                      end
                    end
                    redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
                    return 'claimed'
                    """);

    private static final LuaScript ACK_DELIVERED =
            new LuaScript(
                    """
                    redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
                    redis.call('LREM', KEYS[2], -1, ARGV[3])
                    return 1
                    """);

    private final RedisKeys keys;
    private final String workerId;
    private final String claimValue;
    private final String ttlSeconds;

    Dedup(RedisKeys keys, String workerId, String runToken, Duration ttl) {
        this.keys = keys;
        this.workerId = workerId;
        this.claimValue = "claimed " + runToken + " " + workerId;
        this.ttlSeconds = Long.toString(Math.max(1, ttl.toSeconds()));
    }

    /** The value of this worker's claims (the dead list releases a claim only if it is ours). */
    String claimValue() {
        return claimValue;
    }

    Verdict claim(UnifiedJedis redis, String alertId) {
        Object r =
                CLAIM.run(
                        redis,
                        List.of(keys.seen(alertId)),
                        List.of(claimValue, ttlSeconds, keys.heartbeatPrefix()));
        return "claimed".equals(r) ? Verdict.CLAIMED : Verdict.DUPLICATE;
    }

    /** Marks the id delivered and removes the value from the processing list, atomically. */
    void ackDelivered(UnifiedJedis redis, String alertId, String processingList, String value) {
        ACK_DELIVERED.run(
                redis,
                List.of(keys.seen(alertId), processingList),
                List.of("delivered " + workerId + " " + Instant.now(), ttlSeconds, value));
    }
}
