package io.nginxalerts.worker;

import io.nginxalerts.core.alert.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory output (a test implementation, not a mock): remembers what it accepted. */
final class RecordingOutput implements Output {
    private final List<String> ids = new ArrayList<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    @Override
    public String describe() {
        return "recording";
    }

    @Override
    public synchronized void deliver(Alert alert, String json) {
        ids.add(alert.id());
        counts.computeIfAbsent(alert.id(), k -> new AtomicInteger()).incrementAndGet();
    }

    synchronized List<String> ids() {
        return List.copyOf(ids);
    }

    synchronized int size() {
        return ids.size();
    }

    int count(String id) {
        AtomicInteger n = counts.get(id);
        return n == null ? 0 : n.get();
    }

    Map<String, AtomicInteger> counts() {
        return counts;
    }
}
