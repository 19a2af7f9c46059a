package io.nginxalerts.traffic;

import java.util.Objects;

/**
 * One benign near miss a {@link TrafficGenerator} mixed in: what it is, from which client, from
 * when (emission time of its first line).
 */
public record NearMiss(NearMissKind kind, String clientip, long startMillis) {
    public NearMiss {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(clientip, "clientip");
    }
}
