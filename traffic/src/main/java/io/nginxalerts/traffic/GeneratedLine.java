package io.nginxalerts.traffic;

import java.nio.charset.StandardCharsets;

/**
 * One generated request, not yet written in any format: write it with a {@link LineEncoder} (one
 * per thread, reusing its buffer), or with {@link #json()} / {@link #combined()} when speed does
 * not matter. Nothing is formatted until asked, so a benchmark pays only for the format it uses.
 *
 * <p>Guarantees: immutable; the accessors return exactly what the written line holds ({@code "-"}
 * where nginx writes {@code "-"}); {@link #timestampMillis()} is the request time to the
 * millisecond (nginx JSON writes it as {@code $msec}, and to the second as {@code @timestamp};
 * {@code combined} has the second only) and at most {@code maxJitter} before the timestamp of any
 * earlier line; {@link #emitMillis()} never decreases from one line to the next.
 */
public final class GeneratedLine {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    final long emitMillis;
    final long timestampMillis;
    final int clientAddress;
    final Text host;
    final Text httpHost;
    final Text method;
    final Text url;
    final Text protocol;
    final int status;
    final long size;
    final int responseMillis;

    /** Negative when nginx answered without an upstream ({@code upstreamtime} is "-"). */
    final int upstreamMillis;

    final Text upstreamHost;
    final Text refer;
    final Text agent;
    final long requestIdHigh;
    final long requestIdLow;
    final Attack attack;

    GeneratedLine(
            long emitMillis,
            long timestampMillis,
            int clientAddress,
            Text host,
            Text httpHost,
            Text method,
            Text url,
            Text protocol,
            int status,
            long size,
            int responseMillis,
            int upstreamMillis,
            Text upstreamHost,
            Text refer,
            Text agent,
            long requestIdHigh,
            long requestIdLow,
            Attack attack) {
        this.emitMillis = emitMillis;
        this.timestampMillis = timestampMillis;
        this.clientAddress = clientAddress;
        this.host = host;
        this.httpHost = httpHost;
        this.method = method;
        this.url = url;
        this.protocol = protocol;
        this.status = status;
        this.size = size;
        this.responseMillis = responseMillis;
        this.upstreamMillis = upstreamMillis;
        this.upstreamHost = upstreamHost;
        this.refer = refer;
        this.agent = agent;
        this.requestIdHigh = requestIdHigh;
        this.requestIdLow = requestIdLow;
        this.attack = attack;
    }

    /** Event time in emission order, before jitter; use it to pace a live stream. */
    public long emitMillis() {
        return emitMillis;
    }

    /**
     * The request time in epoch millis: {@code $msec} in nginx JSON; {@code @timestamp} and {@code
     * $time_local} hold its whole second.
     */
    public long timestampMillis() {
        return timestampMillis;
    }

    public String clientip() {
        return IpSpace.format(clientAddress);
    }

    /** The nginx server that logged the request ({@code host} in the JSON format). */
    public String host() {
        return host.value;
    }

    public String httpHost() {
        return httpHost.value;
    }

    public String method() {
        return method.value;
    }

    /** Path and query string, as in the request line. */
    public String url() {
        return url.value;
    }

    public String protocol() {
        return protocol.value;
    }

    public int status() {
        return status;
    }

    public long size() {
        return size;
    }

    public int responseTimeMillis() {
        return responseMillis;
    }

    /** {@code "-"} for requests answered by nginx itself, else seconds like {@code "0.004"}. */
    public String upstreamTime() {
        return upstreamMillis < 0 ? "-" : LineEncoder.seconds(upstreamMillis);
    }

    /** {@code "-"} when nginx answered itself, else like {@code 10.0.1.7:8080}. */
    public String upstreamHost() {
        return upstreamHost.value;
    }

    public String referer() {
        return refer.value;
    }

    public String userAgent() {
        return agent.value;
    }

    /** 32 lower-case hex digits, as nginx's {@code $request_id}. */
    public String requestId() {
        char[] id = new char[32];
        for (int i = 0; i < 16; i++) {
            id[i] = HEX[(int) (requestIdHigh >>> (60 - 4 * i)) & 0xf];
            id[16 + i] = HEX[(int) (requestIdLow >>> (60 - 4 * i)) & 0xf];
        }
        return new String(id);
    }

    /** The attack or upstream failure this line belongs to, or {@code null} for normal traffic. */
    public Attack attack() {
        return attack;
    }

    /** This line in the nginx JSON format, without a line terminator. */
    public byte[] json() {
        return new LineEncoder(LineFormat.NGINX_JSON).encode(this);
    }

    /** This line in the {@code combined} format, without a line terminator. */
    public byte[] combined() {
        return new LineEncoder(LineFormat.COMBINED).encode(this);
    }

    @Override
    public String toString() {
        return new String(combined(), StandardCharsets.UTF_8);
    }
}
