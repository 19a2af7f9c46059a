package io.nginxalerts.worker;

/**
 * The names of every Redis key the worker uses, derived from the alert list name so several
 * deployments can share one Redis. The README's "Redis list contract" describes the same names.
 */
record RedisKeys(String list, String dead) {

    static final String PROCESSING = ":processing:";
    static final String WORKER = ":worker:";
    static final String SEEN = ":seen:";

    /** Alerts a worker has popped and not yet acknowledged. */
    String processing(String workerId) {
        return list + PROCESSING + workerId;
    }

    /** Exists (with a TTL) while the worker is alive; holds its run token. */
    String heartbeat(String workerId) {
        return list + WORKER + workerId;
    }

    String heartbeatPrefix() {
        return list + WORKER;
    }

    /**
     * The firing alerts the Alertmanager outputs re-send: a hash from fingerprint to the latest
     * firing record delivered.
     */
    String firing() {
        return list + ":firing";
    }

    /** The deduplication marker of one alert id. */
    String seen(String alertId) {
        return list + SEEN + alertId;
    }

    /** A SCAN pattern matching every worker's processing list, the list name glob-escaped. */
    String processingPattern() {
        StringBuilder sb = new StringBuilder();
        for (char c : list.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append(PROCESSING).append('*').toString();
    }

    /** The worker id in a processing list key, or null if the key is not one. */
    String workerOf(String processingKey) {
        String prefix = list + PROCESSING;
        return processingKey.startsWith(prefix) ? processingKey.substring(prefix.length()) : null;
    }
}
