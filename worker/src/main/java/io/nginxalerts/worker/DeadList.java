package io.nginxalerts.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The dead list ({@code <list>:dead} by default): values the worker could not deliver, newest
 * first, each as JSON {@code {"reason":…,"value":…,"worker":…,"at":…}} where {@code value} is the
 * original string from the alert list. Moving a value there and removing it from the processing
 * list is one atomic script, so a value is never in neither place; an undeliverable alert's claim
 * is released, so pushing the value back onto the alert list delivers it again.
 */
final class DeadList {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final LuaScript MOVE_TO_DEAD =
            new LuaScript(
                    """
                    redis.call('LPUSH', KEYS[1], ARGV[1])
                    redis.call('LREM', KEYS[2], -1, ARGV[2])
                    if KEYS[3] and redis.call('GET', KEYS[3]) == ARGV[3] then
                      redis.call('DEL', KEYS[3])
                    end
                    return 1
                    """);

    private final String deadList;
    private final String workerId;

    DeadList(String deadList, String workerId) {
        this.deadList = deadList;
        this.workerId = workerId;
    }

    /**
     * @param seenKey the alert's dedup key to release if {@code claim} still holds it, or null for
     *     values that are not alerts
     */
    void move(
            UnifiedJedis redis,
            String processingList,
            String value,
            String reason,
            String seenKey,
            String claim) {
        List<String> keys = new ArrayList<>(List.of(deadList, processingList));
        List<String> args = new ArrayList<>(List.of(entry(reason, value), value));
        if (seenKey != null) {
            keys.add(seenKey);
            args.add(claim);
        }
        MOVE_TO_DEAD.run(redis, keys, args);
    }

    String entry(String reason, String value) {
        ObjectNode e = JSON.createObjectNode();
        e.put("reason", Secrets.mask(reason));
        e.put("value", value);
        e.put("worker", workerId);
        e.put("at", Instant.now().toString());
        try {
            return JSON.writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a tree of strings always serialises", ex);
        }
    }
}
