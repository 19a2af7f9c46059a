package io.nginxalerts.job.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Builds access-log lines exactly as nginx writes them with the project's JSON {@code log_format}
 * ({@code nginx/nginx.conf}): {@code @timestamp} in {@code $time_iso8601}, {@code status} as a
 * string, {@code "-"} for absent values.
 */
public final class NginxLines {
    /** Named time fixtures, as in flink-training's tests. */
    public static final Instant BEGINNING = Instant.parse("2026-11-26T10:00:00Z");

    /** {@code m} minutes after {@link #BEGINNING}, in epoch milliseconds. */
    public static long minutes(long m) {
        return BEGINNING.plus(Duration.ofMinutes(m)).toEpochMilli();
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter ISO8601 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx").withZone(ZoneOffset.UTC);

    private final ObjectNode node = MAPPER.createObjectNode();

    private NginxLines(Instant at, String clientip) {
        node.put("@timestamp", ISO8601.format(at));
        node.put("host", "web-1");
        node.put("clientip", clientip);
        node.put("size", 512);
        node.put("responsetime", 0.004);
        node.put("upstreamtime", "0.004");
        node.put("upstreamhost", "10.0.0.5:8080");
        node.put("http_host", "shop.example.com");
        node.put("url", "/");
        node.put("xff", "-");
        node.put("refer", "-");
        node.put("agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0");
        node.put("status", "200");
        node.put("method", "GET");
        node.put("protocol", "HTTP/1.1");
    }

    public static NginxLines request(Instant at, String clientip) {
        return new NginxLines(at, clientip);
    }

    public static NginxLines request(long secondsAfterBeginning, String clientip) {
        return new NginxLines(BEGINNING.plusSeconds(secondsAfterBeginning), clientip);
    }

    public NginxLines status(int status) {
        return set("status", Integer.toString(status));
    }

    public NginxLines method(String method) {
        return set("method", method);
    }

    public NginxLines url(String url) {
        return set("url", url);
    }

    public NginxLines agent(String agent) {
        return set("agent", agent);
    }

    public NginxLines upstream(String upstreamhost) {
        return set("upstreamhost", upstreamhost);
    }

    public NginxLines upstreamTime(String seconds) {
        return set("upstreamtime", seconds);
    }

    public NginxLines httpHost(String host) {
        return set("http_host", host);
    }

    private NginxLines set(String field, String value) {
        node.put(field, value);
        return this;
    }

    public NginxLines without(String field) {
        node.remove(field);
        return this;
    }

    public String line() {
        return node.toString();
    }

    @Override
    public String toString() {
        return line();
    }
}
