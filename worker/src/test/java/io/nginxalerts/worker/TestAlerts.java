package io.nginxalerts.worker;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.event.AccessEvent;
import java.util.List;
import java.util.Map;

/** Alert fixtures: a valid alert per id, as the job would LPUSH it. */
final class TestAlerts {
    static final long FIRST_SEEN = 1_795_000_000_000L;
    static final long LAST_SEEN = FIRST_SEEN + 39_000;
    static final long DETECTED_AT = LAST_SEEN + 1_213;

    private TestAlerts() {}

    static Alert alert(String id) {
        return alert(id, "203.0.113.7", "/wp-login.php", "curl/8.0");
    }

    static Alert alert(String id, String clientip, String url, String agent) {
        AccessEvent event =
                new AccessEvent(
                        FIRST_SEEN,
                        clientip,
                        "web-1",
                        "GET",
                        url,
                        url,
                        null,
                        "HTTP/1.1",
                        404,
                        153,
                        0.002,
                        null,
                        null,
                        "example.com",
                        null,
                        null,
                        agent,
                        "req-" + id,
                        Map.of());
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

    static String json(String id) {
        return AlertCodec.encode(alert(id));
    }

    static String idOf(String json) {
        return AlertCodec.decode(json).id();
    }
}
