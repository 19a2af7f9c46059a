package io.nginxalerts.traffic;

/** The line being generated, filled field by field; reused so the hot path allocates nothing. */
final class Draft {

    int address;
    Text httpHost;
    Text method;
    Text url;
    Text protocol;
    Text refer;
    Text agent;
    int status;
    long size;
    int responseMillis;
    int upstreamMillis;
    Text upstreamHost;
    Attack attack;

    void request(
            int address,
            Text httpHost,
            Text method,
            Text url,
            Text protocol,
            Text refer,
            Text agent) {
        this.address = address;
        this.httpHost = httpHost;
        this.method = method;
        this.url = url;
        this.protocol = protocol;
        this.refer = refer;
        this.agent = agent;
        this.attack = null;
    }

    /** Answered by nginx itself (a file, an error page): no upstream fields. */
    void fromDisk(int status, long size, int responseMillis) {
        this.status = status;
        this.size = size;
        this.responseMillis = responseMillis;
        this.upstreamMillis = -1;
        this.upstreamHost = Text.DASH;
    }

    /** Answered by an upstream; nginx's own time is the upstream's plus at most a millisecond. */
    void fromUpstream(
            Text upstream, int status, long size, int upstreamMillis, boolean extraMilli) {
        this.status = status;
        this.size = size;
        this.upstreamMillis = upstreamMillis;
        this.responseMillis = upstreamMillis + (extraMilli ? 1 : 0);
        this.upstreamHost = upstream;
    }
}
