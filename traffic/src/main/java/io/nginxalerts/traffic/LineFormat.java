package io.nginxalerts.traffic;

import java.util.List;

/** The record formats a {@link LineEncoder} writes. */
public enum LineFormat {
    /**
     * The project's nginx JSON {@code log_format} ({@code escape=json}): one object per line with
     * the fields of {@link #NGINX_JSON_FIELDS} in that order.
     */
    NGINX_JSON,
    /**
     * {@link #NGINX_JSON} as the shipped Logstash pipeline ({@code logstash/pipeline/nginx.conf})
     * puts it on Kafka: Logstash's own {@code @timestamp} ({@code 2026-11-26T10:00:01.000Z}), the
     * nginx fields, {@code @version} and {@code path} of the file input (legacy mode), and the
     * {@code user_agent} and {@code geoip} objects of the useragent and geoip filters in their ECS
     * shape. The user agent is taken apart by a few rules, not the uap-core database, and every
     * client is given one of a few locations: the shape and size of the production record, not its
     * exact enrichment.
     */
    LOGSTASH_JSON,
    /**
     * nginx's predefined {@code combined} format: {@code $remote_addr - $remote_user [$time_local]
     * "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"}, with nginx's default
     * {@code \xHH} escaping.
     */
    COMBINED;

    /**
     * The fields of a {@link #NGINX_JSON} line, in the order of the {@code log_format} in {@code
     * nginx/nginx.conf}: the fields the job's parser reads.
     */
    public static final List<String> NGINX_JSON_FIELDS =
            List.of(
                    "@timestamp",
                    "msec",
                    "host",
                    "clientip",
                    "size",
                    "responsetime",
                    "upstreamtime",
                    "upstreamhost",
                    "http_host",
                    "url",
                    "xff",
                    "refer",
                    "agent",
                    "status",
                    "method",
                    "protocol",
                    "request_id");
}
