package io.nginxalerts.core.alert;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nginxalerts.core.event.AccessEvent;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alert JSON contract, shared by the job (which writes it to Redis) and every consumer (the
 * worker, your own scripts).
 *
 * <pre>{@code
 * {"schema":2,"id":"…","status":"firing","fingerprint":"…","rule":"client-errors-burst","severity":"warning",
 *  "key":{"clientip":"203.0.113.7"},"count":20,
 *  "first_seen":"2026-11-26T10:00:01Z","last_seen":"2026-11-26T10:00:40Z",
 *  "detected_at":"2026-11-26T10:00:41.213Z","summary":"…","description":"…",
 *  "evidence":[{"@timestamp":"…","clientip":"…","method":"GET","url":"/x","status":404,…}]}
 * }</pre>
 *
 * <p>An alert of a distinct rule also has {@code "distinct_count":N} (after {@code count}): how
 * many different values of the rule's {@code distinct} field the match holds. The field is absent
 * for other rules; consumers that do not know it can ignore it, so the schema stays 1.
 *
 * <p>Likewise each rule type adds what explains its alerts, each field absent for the others: a
 * ratio rule {@code "ratio":{"numerator":n,"denominator":d,"value":n/d}} (the events that passed
 * {@code of}, all that took part, and the share as a number), a value rule {@code
 * "aggregate":{"p95":3.1}}, a first-seen rule {@code "value":"…"} (the new value), all three after
 * {@code count}; a silence rule {@code "silent_since":"…"} (the time of the key's last event, as
 * ISO-8601 UTC like {@code first_seen}) after {@code last_seen}. Optional fields do not change the
 * schema: a reader ignores fields it does not know. {@code value} in {@code ratio} is written for
 * readers' convenience and not read back: numerator and denominator decide.
 *
 * <p>Schema 2 added the lifecycle: {@code "status"} is {@code "firing"} or {@code "resolved"};
 * {@code "fingerprint"} is the same in every record of one rule and key (the firing record, its
 * updates and its resolved record); a resolved record has {@code "ends_at"} (after {@code
 * last_seen}), the event time its episode ended. Every record has an id of its own. Schema 1
 * records are still read, as firing with the fingerprint computed from rule and key.
 *
 * <p>Guarantees: the output is always one line of valid JSON, whatever the events held
 * (attacker-controlled URLs and user agents are escaped, control characters and line breaks
 * included); times are ISO-8601 UTC; {@link #decode} accepts exactly what {@link #encode} writes
 * and refuses anything without the required fields with an {@link IllegalArgumentException} that
 * says which.
 */
public final class AlertCodec {
    private static final JsonFactory FACTORY =
            JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder()
                                    .maxNestingDepth(64)
                                    .maxStringLength(1 << 20)
                                    .build())
                    .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    /** The fields that evidence holds: every field but those split from the URL. */
    private static final List<AccessEvent.Field> EVIDENCE_FIELDS = evidenceFields();

    private AlertCodec() {}

    public static String encode(Alert alert) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("schema", alert.schema());
            g.writeStringField("id", alert.id());
            g.writeStringField("status", alert.status().code());
            g.writeStringField("fingerprint", alert.fingerprint());
            g.writeStringField("rule", alert.rule());
            g.writeStringField("severity", alert.severity());
            g.writeObjectFieldStart("key");
            for (Map.Entry<String, String> e : alert.key().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("count", alert.count());
            if (alert.distinctCount() != null) {
                g.writeNumberField("distinct_count", alert.distinctCount());
            }
            if (alert.ratio() != null) {
                g.writeObjectFieldStart("ratio");
                g.writeNumberField("numerator", alert.ratio().numerator());
                g.writeNumberField("denominator", alert.ratio().denominator());
                g.writeNumberField("value", alert.ratio().value());
                g.writeEndObject();
            }
            if (alert.aggregate() != null) {
                g.writeObjectFieldStart("aggregate");
                for (Map.Entry<String, Double> e : alert.aggregate().entrySet()) {
                    writeNumber(g, e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            writeIfPresent(g, "value", alert.value());
            g.writeStringField("first_seen", iso(alert.firstSeen()));
            g.writeStringField("last_seen", iso(alert.lastSeen()));
            if (alert.endsAt() != null) {
                g.writeStringField("ends_at", iso(alert.endsAt()));
            }
            if (alert.silentSince() != null) {
                g.writeStringField("silent_since", iso(alert.silentSince()));
            }
            g.writeStringField("detected_at", iso(alert.detectedAt()));
            g.writeStringField("summary", alert.summary());
            g.writeStringField("description", alert.description());
            g.writeArrayFieldStart("evidence");
            for (AccessEvent event : alert.evidence()) {
                writeEvent(g, event);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string cannot fail", e);
        }
        return out.toString();
    }

    /**
     * Reads one alert.
     *
     * @throws IllegalArgumentException if the text is not JSON or lacks a required field; the
     *     message names what is wrong
     */
    public static Alert decode(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        int schema = requiredInt(root, "schema");
        if (schema < 1 || schema > Alert.SCHEMA_VERSION) {
            throw new IllegalArgumentException("unsupported schema " + schema);
        }
        String id = requiredText(root, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("empty id");
        }
        JsonNode keyNode = root.get("key");
        if (keyNode == null || !keyNode.isObject()) {
            throw new IllegalArgumentException("missing object field key");
        }
        Map<String, String> key = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = keyNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            key.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
        }
        List<AccessEvent> evidence = new ArrayList<>();
        JsonNode ev = root.get("evidence");
        if (ev != null && ev.isArray()) {
            for (JsonNode e : ev) {
                if (e.isObject()) {
                    evidence.add(readEvent((ObjectNode) e));
                }
            }
        }
        return new Alert(
                id,
                requiredText(root, "rule"),
                requiredText(root, "severity"),
                key,
                requiredInt(root, "count"),
                requiredTime(root, "first_seen"),
                requiredTime(root, "last_seen"),
                requiredTime(root, "detected_at"),
                requiredText(root, "summary"),
                root.path("description").asText(""),
                evidence,
                schema,
                optionalInt(root, "distinct_count"),
                optionalRatio(root),
                optionalAggregate(root),
                optionalTime(root, "silent_since"),
                optionalText(root, "value"),
                schema == 1
                        ? Alert.Status.FIRING
                        : Alert.Status.ofCode(requiredText(root, "status")),
                schema == 1 ? null : requiredText(root, "fingerprint"),
                optionalTime(root, "ends_at"));
    }

    /** JSON has no NaN or infinity; an aggregate that is not finite is written as null. */
    private static void writeNumber(JsonGenerator g, String field, Double value)
            throws IOException {
        if (value == null || value.isNaN() || value.isInfinite()) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, value);
        }
    }

    private static Alert.Ratio optionalRatio(JsonNode root) {
        JsonNode v = root.get("ratio");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException("field ratio is not an object");
        }
        return new Alert.Ratio(
                requiredInt(v, "ratio.numerator", "numerator"),
                requiredInt(v, "ratio.denominator", "denominator"));
    }

    private static Map<String, Double> optionalAggregate(JsonNode root) {
        JsonNode v = root.get("aggregate");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException("field aggregate is not an object");
        }
        Map<String, Double> aggregate = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                aggregate.put(e.getKey(), Double.NaN);
            } else if (e.getValue().isNumber()) {
                aggregate.put(e.getKey(), e.getValue().asDouble());
            } else {
                throw new IllegalArgumentException(
                        "field aggregate." + e.getKey() + " is not a number");
            }
        }
        return aggregate;
    }

    private static Long optionalTime(JsonNode root, String field) {
        JsonNode v = root.get(field);
        return v == null || v.isNull() ? null : requiredTime(root, field);
    }

    private static String optionalText(JsonNode root, String field) {
        JsonNode v = root.get(field);
        return v == null || v.isNull() ? null : requiredText(root, field);
    }

    /** One event as a JSON object with the nginx log_format field names (as in evidence). */
    public static String encodeEvent(AccessEvent event) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeEvent(g, event);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string cannot fail", e);
        }
        return out.toString();
    }

    private static List<AccessEvent.Field> evidenceFields() {
        List<AccessEvent.Field> fields = new ArrayList<>();
        for (AccessEvent.Field field : AccessEvent.Field.values()) {
            if (field.kind() != AccessEvent.Field.Kind.FROM_URL) {
                fields.add(field);
            }
        }
        return List.copyOf(fields);
    }

    static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    /**
     * Writes the event's {@link AccessEvent.Field}s in their order (those split from {@code url}
     * left out: the reader splits them again), then {@code extra}. Numbers are written from their
     * text, which for {@code Integer/Long/Double.toString} gives back the same value exactly.
     */
    private static void writeEvent(JsonGenerator g, AccessEvent e) throws IOException {
        g.writeStartObject();
        for (AccessEvent.Field field : EVIDENCE_FIELDS) {
            String value = field.stored(e);
            if (value == null) {
                continue;
            }
            switch (field.kind()) {
                case INTEGER -> g.writeNumberField(field.jsonName(), Long.parseLong(value));
                case DECIMAL -> g.writeNumberField(field.jsonName(), Double.parseDouble(value));
                default -> g.writeStringField(field.jsonName(), value);
            }
        }
        for (Map.Entry<String, String> x : e.extra().entrySet()) {
            writeIfPresent(g, x.getKey(), x.getValue());
        }
        g.writeEndObject();
    }

    private static void writeIfPresent(JsonGenerator g, String field, String value)
            throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    private static AccessEvent readEvent(ObjectNode n) {
        Map<String, String> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!AccessEvent.FIELDS.contains(e.getKey()) && e.getValue().isValueNode()) {
                extra.put(e.getKey(), e.getValue().asText());
            }
        }
        String url = text(n, "url");
        String path = url;
        String query = null;
        if (url != null && url.indexOf('?') >= 0) {
            path = url.substring(0, url.indexOf('?'));
            query = url.substring(url.indexOf('?') + 1);
        }
        long ts;
        try {
            ts = Instant.parse(n.path("@timestamp").asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            ts = 0;
        }
        return new AccessEvent(
                ts,
                n.path("clientip").asText(""),
                text(n, "host"),
                text(n, "method"),
                url,
                path,
                query,
                text(n, "protocol"),
                n.path("status").asInt(0),
                n.path("size").asLong(0),
                n.path("responsetime").asDouble(0),
                text(n, "upstreamtime"),
                text(n, "upstreamhost"),
                text(n, "http_host"),
                text(n, "xff"),
                text(n, "refer"),
                text(n, "agent"),
                text(n, "request_id"),
                extra);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("missing text field " + field);
        }
        return v.asText();
    }

    private static int requiredInt(JsonNode root, String field) {
        return requiredInt(root, field, field);
    }

    /** As {@link #requiredInt(JsonNode, String)}, with the field's full name for the message. */
    private static int requiredInt(JsonNode node, String name, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("missing integer field " + name);
        }
        return v.asInt();
    }

    /** An optional integer field: null if absent, refused if present but not an integer. */
    private static Integer optionalInt(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return requiredInt(root, field);
    }

    private static long requiredTime(JsonNode root, String field) {
        String text = requiredText(root, field);
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field " + field + " is not an ISO-8601 time");
        }
    }
}
