package io.nginxalerts.job.faults;

import static io.nginxalerts.job.testing.NginxLines.request;

import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.testing.NginxLines;
import io.nginxalerts.job.testing.TestRules;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The traffic every fault test sends: two halves of ten minutes of event time each (the fault is
 * injected between them), then one closing event an hour later that moves event time past every
 * window, so the streaming job completes exactly the matches a bounded run of the same lines does.
 *
 * <p>Each half has scanners (one 4xx burst each), login brute forces that succeed, admin probers,
 * and benign browsing. One scanner bursts in both halves, within the rule's ten-minute suppression:
 * its second burst must stay suppressed across the fault, so suppression state is covered too.
 * Events are in time order with distinct timestamps per client, so the order within a second never
 * matters.
 */
final class FaultTraffic {
    static final String REPEAT_SCANNER = "203.0.113.50";
    private static final long HALF_SECONDS = 600;

    /** Event time starts three hours ago: old enough that nothing is in the future. */
    final Instant start = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    /** The rules of every fault test: two with suppression, one sequence rule. */
    static List<Rule> rules() {
        return List.of(
                TestRules.clientErrorsBurst(),
                TestRules.loginBruteForceSuccess(),
                TestRules.rule(
                        "admin-probe",
                        TestRules.suppressedFor(TestRules.adminProbe(3, "30s"), "2m")));
    }

    List<String> firstHalf() {
        return half(0);
    }

    List<String> secondHalf() {
        return half(1);
    }

    /** One benign request an hour after the second half: event time passes every window. */
    List<String> closing() {
        return List.of(request(start.plusSeconds(2 * HALF_SECONDS + 3600), "192.0.2.1").line());
    }

    /**
     * One more benign request, an hour after the closing one: live traffic that goes on after a
     * fault. If the job restores a checkpoint taken after it read the closing event but before the
     * closing event's watermark passed the pending matches, only a later event moves event time
     * again: the watermark is not part of a checkpoint, and with the idle flush off (here) or on (a
     * bug, see {@code QuietInputRestartITCase}) nothing else does.
     */
    List<String> trailing() {
        return List.of(request(start.plusSeconds(2 * HALF_SECONDS + 7200), "192.0.2.2").line());
    }

    /** What follows the fault: the second half, then the closing event. */
    List<String> secondHalfAndClosing() {
        List<String> lines = new ArrayList<>(secondHalf());
        lines.addAll(closing());
        return lines;
    }

    /** The alert ids a fault-free run of {@link #all} under {@link #rules} produces. */
    Set<String> referenceIds() throws Exception {
        return FaultJob.referenceIds(rules(), all());
    }

    /** Everything, in the order it is produced. */
    List<String> all() {
        List<String> all = new ArrayList<>(firstHalf());
        all.addAll(secondHalfAndClosing());
        all.addAll(trailing());
        return all;
    }

    private List<String> half(int h) {
        long base = h * HALF_SECONDS;
        Events events = new Events();
        // Benign browsing all along, from three clients.
        for (long s = 0; s < HALF_SECONDS - 5; s += 3) {
            events.at(base + s, "192.0.2." + (10 + s % 3)).url("/page/" + s);
        }
        // Scanners: 25 × 404 in 25 s, one alert each; the repeat scanner bursts in both halves.
        List<String> scanners = new ArrayList<>(List.of(REPEAT_SCANNER));
        for (int i = 0; i < 3; i++) {
            scanners.add("198.51.100." + (h * 10 + i + 1));
        }
        for (int i = 0; i < scanners.size(); i++) {
            // The repeat scanner's second burst ends well inside the suppression of its first.
            long from = (h == 1 && i == 0) ? base : base + 20 + i * 120;
            for (int n = 0; n < 25; n++) {
                events.at(from + n, scanners.get(i)).status(404).url("/.env" + n);
            }
        }
        // Brute forces: 6 failed logins, then a successful one.
        for (int i = 0; i < 2; i++) {
            String client = "203.0.113." + (h * 10 + i + 1);
            long from = base + 70 + i * 200;
            for (int n = 0; n < 6; n++) {
                events.at(from + 2 * n, client).method("POST").url("/login").status(401);
            }
            events.at(from + 13, client).method("POST").url("/login").status(302);
        }
        // Admin probers: 3 admin pages in 6 s.
        for (int i = 0; i < 3; i++) {
            String client = "100.64.0." + (h * 10 + i + 1);
            long from = base + 100 + i * 150;
            for (int n = 0; n < 3; n++) {
                events.at(from + 3 * n, client).url("/admin/" + n);
            }
        }
        return events.inTimeOrder();
    }

    /**
     * {@code requests} × 404 from one client, one a second, starting an hour ago: exactly one
     * {@link TestRules#clientErrorsBurst()} alert once event time passes it, if {@code requests}
     * reaches its threshold.
     */
    static List<String> clientErrorBurst(String client, int requests) {
        Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<String> burst = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            burst.add(request(start.plusSeconds(i), client).status(404).line());
        }
        return burst;
    }

    /**
     * Requests at seconds after {@link #start}, returned in time order (stable within a second).
     */
    private final class Events {
        private final List<Timed> events = new ArrayList<>();

        /** A request from {@code client} at {@code second}; shape it with the returned builder. */
        NginxLines at(long second, String client) {
            NginxLines line = request(start.plusSeconds(second), client);
            events.add(new Timed(second, line));
            return line;
        }

        List<String> inTimeOrder() {
            events.sort(Comparator.comparingLong(Timed::second));
            return events.stream().map(t -> t.line().line()).toList();
        }
    }

    private record Timed(long second, NginxLines line) {}
}
