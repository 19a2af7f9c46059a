package io.nginxalerts.core.traffic;

/** The two access-log formats a {@link LineEncoder} writes. */
public enum LineFormat {
    /**
     * The project's nginx JSON {@code log_format} ({@code escape=json}): one object per line with
     * the fields {@code @timestamp, host, clientip, size, responsetime, upstreamtime, upstreamhost,
     * http_host, url, xff, refer, agent, status, method, protocol, request_id} in that order.
     */
    NGINX_JSON,
    /**
     * nginx's predefined {@code combined} format: {@code $remote_addr - $remote_user [$time_local]
     * "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"}, with nginx's default
     * {@code \xHH} escaping.
     */
    COMBINED
}
