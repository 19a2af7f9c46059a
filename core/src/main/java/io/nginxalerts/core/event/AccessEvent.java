package io.nginxalerts.core.event;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One nginx access-log request, normalised from any of the input shapes (nginx JSON, the same after
 * Logstash, or a {@code combined} text line).
 *
 * <p>Guarantees: {@code timestamp} is the request time in epoch milliseconds (UTC); {@code
 * clientip} is never null; text fields that nginx prints as {@code "-"} are {@code null} here;
 * {@code status} is the HTTP status code (0 if the line carried none); {@code path} and {@code
 * query} are split from {@code url}. Nested objects that Logstash adds ({@code geoip}, {@code
 * user_agent}, an object {@code host}) are flattened into {@code extra} with dotted keys such as
 * {@code geoip.country_code2}; {@code extra} is never null and is not modified after construction.
 *
 * <p>The record has only types that Flink serializes without Kryo (strings, primitives, a string
 * map), so it travels through the job and CEP state with Flink's own serializers.
 */
public record AccessEvent(
        long timestamp,
        String clientip,
        String host,
        String method,
        String url,
        String path,
        String query,
        String protocol,
        int status,
        long size,
        double responsetime,
        String upstreamtime,
        String upstreamhost,
        String http_host,
        String xff,
        String refer,
        String agent,
        String request_id,
        Map<String, String> extra) {

    public AccessEvent {
        Objects.requireNonNull(clientip, "clientip");
        extra = extra == null ? Map.of() : extra;
    }

    /**
     * The value of a field as text, or {@code null} when the event does not have it. Field names
     * are those of {@link Field} ({@code clientip}, {@code status}, {@code url}, ..., {@code path},
     * {@code query}, {@code @timestamp}) and dotted paths into nested objects ({@code
     * geoip.country_code2}), read from {@code extra}.
     */
    public String get(String field) {
        Field known = Field.named(field);
        return known != null ? known.text(this) : extra.get(field);
    }

    /** Names of the top-level fields that {@link #get(String)} knows without {@code extra}. */
    public static final Set<String> FIELDS = Field.NAMES;

    /**
     * The event's top-level fields: the one list of them. Reading a field by name ({@link
     * AccessEvent#get}), the names rules may use, and the evidence in alerts are all derived from
     * it, so a field added here reaches all of them; the parsers and the alert decoder fill the
     * record's components by hand (a test checks they know every field).
     *
     * <p>Constants are in the order alerts write evidence. The record's components are not derived
     * from this list on purpose: they are the event's serialized form in Flink state, so changing
     * them is a state migration.
     */
    public enum Field {
        TIMESTAMP("@timestamp", Kind.TIME),
        CLIENTIP("clientip", Kind.TEXT),
        HOST("host", Kind.TEXT),
        METHOD("method", Kind.TEXT),
        URL("url", Kind.TEXT),
        PATH("path", Kind.FROM_URL),
        QUERY("query", Kind.FROM_URL),
        PROTOCOL("protocol", Kind.TEXT),
        STATUS("status", Kind.INTEGER),
        SIZE("size", Kind.INTEGER),
        RESPONSETIME("responsetime", Kind.DECIMAL),
        UPSTREAMTIME("upstreamtime", Kind.TEXT),
        UPSTREAMHOST("upstreamhost", Kind.TEXT),
        HTTP_HOST("http_host", Kind.TEXT),
        XFF("xff", Kind.TEXT),
        REFER("refer", Kind.TEXT),
        AGENT("agent", Kind.TEXT),
        REQUEST_ID("request_id", Kind.TEXT);

        /** How a field's value is written in JSON, and where it comes from. */
        public enum Kind {
            /** A string, absent when null. */
            TEXT,
            /** An ISO-8601 UTC string of the event time in milliseconds. */
            TIME,
            /** A JSON integer; {@code status} is absent when 0. */
            INTEGER,
            /** A JSON decimal number. */
            DECIMAL,
            /**
             * Split from {@code url} ({@code path} before the {@code ?}, {@code query} after it),
             * so never read from or written to JSON.
             */
            FROM_URL
        }

        private static final Field[] ALL = values();
        private static final Map<String, Field> BY_NAME = new HashMap<>();
        private static final Set<String> NAMES;

        static {
            for (Field field : ALL) {
                BY_NAME.put(field.jsonName, field);
            }
            NAMES = Set.copyOf(BY_NAME.keySet());
        }

        private final String jsonName;
        private final Kind kind;

        Field(String jsonName, Kind kind) {
            this.jsonName = jsonName;
            this.kind = kind;
        }

        /** The name in the nginx JSON {@code log_format}, in rules and in alert evidence. */
        public String jsonName() {
            return jsonName;
        }

        public Kind kind() {
            return kind;
        }

        /** The field with this JSON name, or {@code null} (a dotted name, or none at all). */
        public static Field named(String jsonName) {
            return BY_NAME.get(jsonName);
        }

        /**
         * The field as {@link AccessEvent#get} reports it: {@link #stored} except that {@code host}
         * falls back to {@code host.name} in {@code extra}, where Logstash moves it.
         */
        public String text(AccessEvent e) {
            String value = stored(e);
            return value == null && this == HOST ? e.extra.get("host.name") : value;
        }

        /**
         * The record component as text, {@code null} when absent ({@code "-"} in the log, or a
         * {@code status} of 0): numbers as {@link Integer#toString}, {@link Long#toString} and
         * {@link Double#toString} print them, the time as {@link Instant#toString}.
         */
        public String stored(AccessEvent e) {
            switch (this) {
                case TIMESTAMP:
                    return Instant.ofEpochMilli(e.timestamp).toString();
                case CLIENTIP:
                    return e.clientip;
                case HOST:
                    return e.host;
                case METHOD:
                    return e.method;
                case URL:
                    return e.url;
                case PATH:
                    return e.path;
                case QUERY:
                    return e.query;
                case PROTOCOL:
                    return e.protocol;
                case STATUS:
                    return e.status == 0 ? null : Integer.toString(e.status);
                case SIZE:
                    return Long.toString(e.size);
                case RESPONSETIME:
                    return Double.toString(e.responsetime);
                case UPSTREAMTIME:
                    return e.upstreamtime;
                case UPSTREAMHOST:
                    return e.upstreamhost;
                case HTTP_HOST:
                    return e.http_host;
                case XFF:
                    return e.xff;
                case REFER:
                    return e.refer;
                case AGENT:
                    return e.agent;
                case REQUEST_ID:
                    return e.request_id;
                default:
                    throw new AssertionError(this);
            }
        }
    }
}
