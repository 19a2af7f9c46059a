package io.nginxalerts.worker;

import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Liveness of workers on one list. Each worker refreshes {@code <list>:worker:<id>} (value: its run
 * token, TTL {@code --heartbeat-ttl}) every third of the TTL. Each worker also looks for processing
 * lists whose owner's heartbeat has expired and moves their alerts back onto the right end of the
 * alert list, where they are popped next. The check and the moves are one Lua script: nothing is
 * lost if this worker dies midway, and an owner that comes back in the meantime keeps its list.
 */
final class WorkerRegistry {
    private static final Logger LOG = Logger.getLogger(WorkerRegistry.class.getName());

    private static final LuaScript REAP =
            new LuaScript(
                    """
                    if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
                    local n = 0
                    while redis.call('LMOVE', KEYS[1], KEYS[3], 'LEFT', 'RIGHT') do
                      n = n + 1
                    end
                    return n
                    """);

    private static final LuaScript DELETE_IF_OURS =
            new LuaScript(
                    """
                    if redis.call('GET', KEYS[1]) == ARGV[1] then
                      return redis.call('DEL', KEYS[1])
                    end
                    return 0
                    """);

    private final RedisKeys keys;
    private final String workerId;
    private final String runToken;
    private final Duration ttl;
    private final RedisGuard redis;
    private final Metrics metrics;

    WorkerRegistry(
            RedisKeys keys,
            String workerId,
            String runToken,
            Duration ttl,
            RedisGuard redis,
            Metrics metrics) {
        this.keys = keys;
        this.workerId = workerId;
        this.runToken = runToken;
        this.ttl = ttl;
        this.redis = redis;
        this.metrics = metrics;
    }

    /** How often {@link #tick()} should run. */
    Duration interval() {
        return ttl.dividedBy(3);
    }

    /** Registers this run; warns if a heartbeat of the same id is still alive. */
    void register() {
        String previous =
                redis.call(
                        RedisGuard.Mode.WAIT,
                        c ->
                                c.setGet(
                                        keys.heartbeat(workerId),
                                        runToken,
                                        SetParams.setParams().px(ttl.toMillis())));
        if (previous != null && !previous.equals(runToken)) {
            LOG.warning(
                    () ->
                            "worker id "
                                    + workerId
                                    + " had a live heartbeat: either this is a quick restart"
                                    + " (fine) or another worker runs with the same id (give"
                                    + " each running worker its own --worker-id)");
        }
    }

    /** Refreshes the heartbeat and reclaims alerts of dead workers; never blocks on an outage. */
    void tick() {
        redis.tryOnce(
                c ->
                        c.set(
                                keys.heartbeat(workerId),
                                runToken,
                                SetParams.setParams().px(ttl.toMillis())));
        reapDeadWorkers();
    }

    /** Moves the alerts of every worker without heartbeat back to the alert list. */
    int reapDeadWorkers() {
        int moved = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().match(keys.processingPattern()).count(100);
        do {
            final String from = cursor;
            ScanResult<String> page = redis.tryOnce(c -> c.scan(from, params)).orElse(null);
            if (page == null) {
                return moved;
            }
            for (String processing : page.getResult()) {
                String owner = keys.workerOf(processing);
                if (owner == null || owner.equals(workerId)) {
                    continue;
                }
                long n =
                        redis.tryOnce(
                                        c ->
                                                (Long)
                                                        REAP.run(
                                                                c,
                                                                List.of(
                                                                        processing,
                                                                        keys.heartbeat(owner),
                                                                        keys.list()),
                                                                List.of()))
                                .orElse(-1L);
                if (n > 0) {
                    moved += n;
                    metrics.reclaimed.add(n);
                    LOG.warning(
                            "worker "
                                    + owner
                                    + " has no heartbeat: moved its "
                                    + n
                                    + " unacknowledged alert(s) back to "
                                    + keys.list());
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return moved;
    }

    /** On a clean exit: lets other workers reclaim at once whatever this one left behind. */
    void unregister() {
        redis.tryOnce(
                c -> DELETE_IF_OURS.run(c, List.of(keys.heartbeat(workerId)), List.of(runToken)));
    }
}
