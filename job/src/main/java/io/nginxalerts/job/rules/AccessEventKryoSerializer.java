package io.nginxalerts.job.rules;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.nginxalerts.core.event.AccessEvent;
import java.util.HashMap;
import java.util.Map;

/**
 * Kryo's form of an {@link AccessEvent} inside detector state: its components in declaration order,
 * {@code extra} as a count and pairs. Events are immutable, so a copy is the same object.
 */
public final class AccessEventKryoSerializer extends Serializer<AccessEvent> {
    public AccessEventKryoSerializer() {
        setImmutable(true);
        setAcceptsNull(false);
    }

    @Override
    public void write(Kryo kryo, Output out, AccessEvent e) {
        out.writeLong(e.timestamp());
        out.writeString(e.clientip());
        out.writeString(e.host());
        out.writeString(e.method());
        out.writeString(e.url());
        out.writeString(e.path());
        out.writeString(e.query());
        out.writeString(e.protocol());
        out.writeInt(e.status());
        out.writeLong(e.size());
        out.writeDouble(e.responsetime());
        out.writeString(e.upstreamtime());
        out.writeString(e.upstreamhost());
        out.writeString(e.http_host());
        out.writeString(e.xff());
        out.writeString(e.refer());
        out.writeString(e.agent());
        out.writeString(e.request_id());
        out.writeVarInt(e.extra().size(), true);
        for (Map.Entry<String, String> x : e.extra().entrySet()) {
            out.writeString(x.getKey());
            out.writeString(x.getValue());
        }
    }

    @Override
    public AccessEvent read(Kryo kryo, Input in, Class<? extends AccessEvent> type) {
        long timestamp = in.readLong();
        String clientip = in.readString();
        String host = in.readString();
        String method = in.readString();
        String url = in.readString();
        String path = in.readString();
        String query = in.readString();
        String protocol = in.readString();
        int status = in.readInt();
        long size = in.readLong();
        double responsetime = in.readDouble();
        String upstreamtime = in.readString();
        String upstreamhost = in.readString();
        String httpHost = in.readString();
        String xff = in.readString();
        String refer = in.readString();
        String agent = in.readString();
        String requestId = in.readString();
        int n = in.readVarInt(true);
        Map<String, String> extra = n == 0 ? Map.of() : new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            extra.put(in.readString(), in.readString());
        }
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
                extra);
    }
}
