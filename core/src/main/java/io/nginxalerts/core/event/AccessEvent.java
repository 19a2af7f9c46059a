package io.nginxalerts.core.event;

import java.util.Map;
import java.util.Objects;

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
     * are those of the nginx JSON {@code log_format} ({@code clientip}, {@code status}, {@code
     * url}, ...), plus {@code path}, {@code query}, {@code @timestamp} and dotted paths into nested
     * objects ({@code geoip.country_code2}).
     */
    public String get(String field) {
        switch (field) {
            case "clientip":
                return clientip;
            case "host":
                return host != null ? host : extra.get("host.name");
            case "method":
                return method;
            case "url":
                return url;
            case "path":
                return path;
            case "query":
                return query;
            case "protocol":
                return protocol;
            case "status":
                return status == 0 ? null : Integer.toString(status);
            case "size":
                return Long.toString(size);
            case "responsetime":
                return Double.toString(responsetime);
            case "upstreamtime":
                return upstreamtime;
            case "upstreamhost":
                return upstreamhost;
            case "http_host":
                return http_host;
            case "xff":
                return xff;
            case "refer":
                return refer;
            case "agent":
                return agent;
            case "request_id":
                return request_id;
            case "@timestamp":
                return java.time.Instant.ofEpochMilli(timestamp).toString();
            default:
                return extra.get(field);
        }
    }

    /** Names of the top-level fields that {@link #get(String)} knows without {@code extra}. */
    public static final java.util.Set<String> FIELDS =
            java.util.Set.of(
                    "@timestamp",
                    "clientip",
                    "host",
                    "method",
                    "url",
                    "path",
                    "query",
                    "protocol",
                    "status",
                    "size",
                    "responsetime",
                    "upstreamtime",
                    "upstreamhost",
                    "http_host",
                    "xff",
                    "refer",
                    "agent",
                    "request_id");
}
