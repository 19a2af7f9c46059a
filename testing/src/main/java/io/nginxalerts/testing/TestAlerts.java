package io.nginxalerts.testing;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.event.AccessEvent;
import java.util.List;
import java.util.Map;

/**
 * Sample {@link AccessEvent}s and {@link Alert}s for the job's and the worker's tests: a request as
 * the log parser would make it from an nginx line, and a valid alert per id as the job would LPUSH
 * it. Every value not given is fixed, so equal arguments give equal objects.
 */
public final class TestAlerts {
    /** When the sample alert's first request was logged (2026-11-18, UTC). */
    public static final long FIRST_SEEN = 1_795_000_000_000L;

    /** When its last request was logged: a 39 s window. */
    public static final long LAST_SEEN = FIRST_SEEN + 39_000;

    /** When the job detected it. */
    public static final long DETECTED_AT = LAST_SEEN + 1_213;

    private TestAlerts() {}

    /** A 404 for a GET of {@code url} from {@code clientip} at {@code t}, as a scanner causes. */
    public static AccessEvent clientError(long t, String clientip, String url) {
        return request(t, clientip, "GET", url, 404);
    }

    /** A request by curl to shop.example.com on web-1, with no referrer and no extra fields. */
    public static AccessEvent request(
            long t, String clientip, String method, String url, int status) {
        return request(t, clientip, method, url, status, "-", "curl/8.0", Map.of());
    }

    /**
     * A request to shop.example.com on web-1 over HTTP/1.1, 153 bytes in 1 ms; {@code url} has no
     * query, so it is also the path.
     */
    public static AccessEvent request(
            long t,
            String clientip,
            String method,
            String url,
            int status,
            String refer,
            String agent,
            Map<String, String> extra) {
        return new AccessEvent(
                t,
                clientip,
                "web-1",
                method,
                url,
                url,
                null,
                "HTTP/1.1",
                status,
                153,
                0.001,
                "-",
                "-",
                "shop.example.com",
                "-",
                refer,
                agent,
                null,
                extra);
    }

    /**
     * A client-errors-burst alert for 203.0.113.7 with one request for /wp-login.php as evidence.
     */
    public static Alert alert(String id) {
        return alert(id, "203.0.113.7", "/wp-login.php", "curl/8.0");
    }

    /**
     * A warning of client-errors-burst: 20 requests from {@code clientip} between {@link
     * #FIRST_SEEN} and {@link #LAST_SEEN}, with the first (for {@code url}, by {@code agent}) as
     * evidence.
     */
    public static Alert alert(String id, String clientip, String url, String agent) {
        AccessEvent event = request(FIRST_SEEN, clientip, "GET", url, 404, "-", agent, Map.of());
        return new Alert(
                id,
                "client-errors-burst",
                "warning",
                Map.of("clientip", clientip),
                20,
                FIRST_SEEN,
                LAST_SEEN,
                DETECTED_AT,
                "client-errors-burst: 20 matching requests for clientip " + clientip,
                "Many 4xx answers for one client.",
                List.of(event),
                Alert.SCHEMA_VERSION);
    }

    /** {@link #alert(String)} as the JSON line the job pushes. */
    public static String json(String id) {
        return AlertCodec.encode(alert(id));
    }
}
