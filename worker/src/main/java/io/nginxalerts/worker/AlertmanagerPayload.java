package io.nginxalerts.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Maps alerts onto the body of Alertmanager's {@code POST /api/v2/alerts} (a JSON array of {@code
 * postableAlert}s). Pure: no HTTP, no clock.
 *
 * <p>Labels, which identify the alert in Alertmanager (its grouping, silences, inhibitions and
 * deduplication use them): {@code alertname} (the rule id), {@code severity}, one label per key
 * field ({@code clientip}, …) and {@code source="nginx-alerts"}. They depend on rule and key only,
 * so every record of one episode (firing, updates, resolved) is the same Alertmanager alert.
 *
 * <p>Annotations, which Alertmanager replaces with the latest received: {@code summary}, {@code
 * description}, {@code evidence} (the first {@value #EVIDENCE_LINES} requests as {@code METHOD url
 * status}, each cut to {@value #EVIDENCE_LINE_CHARS} characters), {@code count} and {@code
 * alert_id}.
 *
 * <p>Times: {@code startsAt} is the episode's {@code first_seen}; {@code endsAt} is sent only for a
 * resolved record ({@code ends_at}, never before {@code startsAt}, which Alertmanager refuses). A
 * firing record has no {@code endsAt}: Alertmanager then keeps it active for its {@code
 * resolve_timeout} after the last time it was received, which is why the worker re-sends firing
 * alerts (see {@link ResendSchedule}).
 */
final class AlertmanagerPayload {
    static final int EVIDENCE_LINES = 3;
    static final int EVIDENCE_LINE_CHARS = 200;
    static final String SOURCE = "nginx-alerts";

    /** Label names the mapping sets itself; a key field of the same name gets a prefix. */
    private static final Set<String> OWN_LABELS = Set.of("alertname", "severity", "source");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String generatorUrl;

    /**
     * @param generatorUrl sent as every alert's {@code generatorURL} (e.g. the Flink web UI), or
     *     null for none
     */
    AlertmanagerPayload(String generatorUrl) {
        this.generatorUrl = generatorUrl;
    }

    /** The request body for these alerts. */
    String body(Collection<Alert> alerts) {
        ArrayNode array = JSON.createArrayNode();
        alerts.forEach(a -> array.add(alert(a)));
        try {
            return JSON.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }

    ObjectNode alert(Alert alert) {
        ObjectNode node = JSON.createObjectNode();
        ObjectNode labels = node.putObject("labels");
        labels(alert).forEach(labels::put);
        ObjectNode annotations = node.putObject("annotations");
        if (alert.summary() != null) {
            annotations.put("summary", alert.summary());
        }
        if (alert.description() != null) {
            annotations.put("description", alert.description().strip());
        }
        String evidence = evidence(alert);
        if (!evidence.isEmpty()) {
            annotations.put("evidence", evidence);
        }
        annotations.put("count", Integer.toString(alert.count()));
        annotations.put("alert_id", alert.id());
        node.put("startsAt", iso(alert.firstSeen()));
        if (alert.resolved()) {
            node.put("endsAt", iso(Math.max(alert.endsAt(), alert.firstSeen())));
        }
        if (generatorUrl != null) {
            node.put("generatorURL", generatorUrl);
        }
        return node;
    }

    /** The labels, sorted by name. */
    static Map<String, String> labels(Alert alert) {
        Map<String, String> labels = new TreeMap<>();
        alert.key()
                .forEach(
                        (field, value) -> {
                            String name = labelName(field);
                            labels.put(
                                    OWN_LABELS.contains(name) ? "key_" + name : name,
                                    value == null ? "" : value);
                        });
        labels.put("alertname", alert.rule());
        if (alert.severity() != null) {
            labels.put("severity", alert.severity());
        }
        labels.put("source", SOURCE);
        return labels;
    }

    /**
     * A valid Prometheus label name ({@code [a-zA-Z_][a-zA-Z0-9_]*}) for a key field: other
     * characters (a field such as {@code http_host} is fine, {@code extra.tenant} is not) become
     * {@code _}.
     */
    static String labelName(String field) {
        StringBuilder sb = new StringBuilder(field.length() + 1);
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || c == '_'
                            || (i > 0 && c >= '0' && c <= '9');
            if (i == 0 && c >= '0' && c <= '9') {
                sb.append('_');
                ok = true;
            }
            sb.append(ok ? c : '_');
        }
        return sb.length() == 0 ? "_" : sb.toString();
    }

    /** RFC 3339 in UTC, as Alertmanager expects. */
    static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    /** Up to {@value #EVIDENCE_LINES} lines {@code METHOD url status}, oldest first. */
    static String evidence(Alert alert) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (AccessEvent e : alert.evidence()) {
            if (shown++ == EVIDENCE_LINES) {
                break;
            }
            StringBuilder line = new StringBuilder();
            if (e.method() != null) {
                line.append(e.method()).append(' ');
            }
            line.append(e.url() == null ? "-" : e.url());
            if (e.status() != 0) {
                line.append(' ').append(e.status());
            }
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(cut(line.toString()));
        }
        return sb.toString();
    }

    /** Control characters to spaces (a URL cannot add lines), cut to the line length. */
    private static String cut(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), EVIDENCE_LINE_CHARS + 1));
        for (int i = 0; i < s.length() && sb.length() < EVIDENCE_LINE_CHARS; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (s.length() > EVIDENCE_LINE_CHARS) {
            sb.append('…');
        }
        return sb.toString();
    }
}
