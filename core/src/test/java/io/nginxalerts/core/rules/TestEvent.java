package io.nginxalerts.core.rules;

import io.nginxalerts.core.event.AccessEvent;
import java.util.HashMap;
import java.util.Map;

/** Builds {@link AccessEvent}s for rule tests: an ordinary successful GET unless told otherwise. */
final class TestEvent {
    private long timestamp = 1_700_000_000_000L;
    private String clientip = "203.0.113.7";
    private String host = "web-1";
    private String method = "GET";
    private String url = "/";
    private String path = "/";
    private String query;
    private String protocol = "HTTP/1.1";
    private int status = 200;
    private long size = 512;
    private double responsetime = 0.012;
    private String upstreamtime = "0.010";
    private String upstreamhost = "10.0.0.5:8080";
    private String httpHost = "shop.example.com";
    private String xff;
    private String refer;
    private String agent =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
                    + " Chrome/124.0 Safari/537.36";
    private String requestId = "a1b2c3";
    private final Map<String, String> extra = new HashMap<>();

    static TestEvent request() {
        return new TestEvent();
    }

    /** Sets url, and path and query split from it, as the log parser does. */
    TestEvent url(String url) {
        this.url = url;
        int q = url == null ? -1 : url.indexOf('?');
        this.path = q < 0 ? url : url.substring(0, q);
        this.query = q < 0 ? null : url.substring(q + 1);
        return this;
    }

    TestEvent clientip(String clientip) {
        this.clientip = clientip;
        return this;
    }

    TestEvent host(String host) {
        this.host = host;
        return this;
    }

    TestEvent method(String method) {
        this.method = method;
        return this;
    }

    TestEvent status(int status) {
        this.status = status;
        return this;
    }

    TestEvent size(long size) {
        this.size = size;
        return this;
    }

    TestEvent responsetime(double responsetime) {
        this.responsetime = responsetime;
        return this;
    }

    TestEvent upstreamtime(String upstreamtime) {
        this.upstreamtime = upstreamtime;
        return this;
    }

    TestEvent upstreamhost(String upstreamhost) {
        this.upstreamhost = upstreamhost;
        return this;
    }

    TestEvent httpHost(String httpHost) {
        this.httpHost = httpHost;
        return this;
    }

    TestEvent timestamp(long timestamp) {
        this.timestamp = timestamp;
        return this;
    }

    TestEvent xff(String xff) {
        this.xff = xff;
        return this;
    }

    TestEvent refer(String refer) {
        this.refer = refer;
        return this;
    }

    TestEvent agent(String agent) {
        this.agent = agent;
        return this;
    }

    TestEvent extra(String key, String value) {
        extra.put(key, value);
        return this;
    }

    AccessEvent build() {
        return new AccessEvent(
                timestamp,
                clientip,
                host,
                method,
                url,
                path,
                query,
                protocol,
                status,
                size,
                responsetime,
                upstreamtime,
                upstreamhost,
                httpHost,
                xff,
                refer,
                agent,
                requestId,
                Map.copyOf(extra));
    }
}
