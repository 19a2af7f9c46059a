package io.nginxalerts.testing.reference;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Condition;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import io.nginxalerts.core.rules.Severity;
import io.nginxalerts.core.rules.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Rules of every non-sequence kind built without the parser, and generated traffic for them. */
final class KindFixtures {
    /** 2026-01-01T00:00:00Z. */
    static final long BEGINNING = 1_767_225_600_000L;

    static final Condition ALL = e -> true;
    static final Condition NOT_HEAD = e -> !"HEAD".equals(e.method());
    static final Condition SERVER_ERROR = e -> e.status() >= 500;

    private static final String[] UPSTREAM_TIMES = {
        "0.001",
        "0.050",
        "0.120",
        "0.5",
        "0.9",
        "1.000",
        "1.2345",
        "2.0",
        "2.5",
        "3",
        "0.1, 0.2",
        "0.4 : 1.1",
        "-",
        "0",
        "0.0004"
    };
    private static final String[] PATHS = {
        "/", "/admin", "/login", "/a", "/b", "/c", "/wp-login.php", "/.env"
    };
    private static final int[] STATUSES = {200, 200, 200, 404, 500, 502, 503};
    private static final long[] STEPS = {0, 0, 250, 250, 500, 1000, 1000, 2000, 4000};

    private KindFixtures() {}

    static Rule rule(String id, Condition match, int atLeast, long withinMs, RuleKind kind) {
        return new Rule(
                id,
                "test rule " + id,
                Severity.WARNING,
                List.of("clientip"),
                List.of(new Step(match, atLeast)),
                Duration.ofMillis(withinMs),
                Duration.ZERO,
                "test/" + id + ".yaml",
                kind,
                id);
    }

    static Rule ratio(String id, long withinMs, double atLeast, int minEvents) {
        return rule(
                id, NOT_HEAD, 1, withinMs, new RuleKind.Ratio(SERVER_ERROR, atLeast, minEvents));
    }

    static Rule value(
            String id,
            String field,
            RuleKind.Aggregate agg,
            RuleKind.Comparison cmp,
            double bound,
            int minEvents,
            long withinMs) {
        return rule(
                id, NOT_HEAD, 1, withinMs, new RuleKind.Value(field, agg, cmp, bound, minEvents));
    }

    static Rule silence(String id, long withinMs, long silentForMs, int minEvents) {
        return rule(
                id,
                NOT_HEAD,
                1,
                withinMs,
                new RuleKind.Silence(Duration.ofMillis(silentForMs), minEvents));
    }

    static Rule firstSeen(String id, long withinMs, long learnForMs, int maxValues) {
        return rule(
                id,
                NOT_HEAD,
                1,
                withinMs,
                new RuleKind.FirstSeen("path", Duration.ofMillis(learnForMs), maxValues));
    }

    static AccessEvent event(
            long t, String clientip, String method, String path, int status, String upstream) {
        return new AccessEvent(
                t,
                clientip,
                "web-1",
                method,
                path,
                path,
                null,
                "HTTP/1.1",
                status,
                153,
                0.001,
                upstream,
                "10.0.0.9:8080",
                "shop.example.com",
                null,
                null,
                "curl/8.0",
                "req-" + t + "-" + clientip + "-" + path + "-" + status + "-" + upstream,
                Map.of());
    }

    static AccessEvent event(long t, String clientip, int status) {
        return event(t, clientip, "GET", "/", status, "0.100");
    }

    /**
     * {@code n} events of 3 clients, their times in steps of 0, 250 ms ... 4 s (many equal
     * timestamps, many gaps exactly 250 ms, 500 ms, 1 s apart), arriving slightly out of order.
     */
    static List<AccessEvent> traffic(long seed, int n) {
        Random random = new Random(seed);
        List<AccessEvent> events = new ArrayList<>(n);
        long t = BEGINNING;
        for (int i = 0; i < n; i++) {
            t += STEPS[random.nextInt(STEPS.length)] / (1 + random.nextInt(2));
            String method = random.nextInt(10) == 0 ? "HEAD" : "GET";
            events.add(
                    event(
                            t,
                            "10.0.0." + random.nextInt(3),
                            method,
                            PATHS[random.nextInt(PATHS.length)],
                            STATUSES[random.nextInt(STATUSES.length)],
                            UPSTREAM_TIMES[random.nextInt(UPSTREAM_TIMES.length)]));
        }
        // Arrival order: neighbours swapped now and then, as jitter does.
        for (int i = 1; i < n; i++) {
            if (random.nextInt(4) == 0) {
                Collections.swap(events, i - 1, i);
            }
        }
        return events;
    }

    static long maxTime(List<AccessEvent> events) {
        return events.stream().mapToLong(AccessEvent::timestamp).max().orElse(Long.MIN_VALUE);
    }

    static long minTime(List<AccessEvent> events) {
        return events.stream().mapToLong(AccessEvent::timestamp).min().orElse(Long.MIN_VALUE);
    }
}
