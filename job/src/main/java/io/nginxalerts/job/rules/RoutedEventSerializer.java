package io.nginxalerts.job.rules;

import io.nginxalerts.core.event.AccessEvent;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The wire and state form of a {@link RoutedEvent}: its key, the event's components in declaration
 * order ({@code extra} as a count and pairs), the rule bits and the layout, written by hand.
 *
 * <p>Why not the POJO serializer Flink would pick: every event crosses one {@code keyBy} per rule
 * group and waits in the group operator's state, so this is paid several times per event. The POJO
 * serializer reads and writes each field by reflection and hands {@code extra} (a map) to Kryo;
 * this writes the same data with direct calls, about three times faster (see
 * RoutedEventSerializerTest and bench/README.md).
 *
 * <p>Guarantees: {@link #deserialize} gives back an equal {@link RoutedEvent} for every value
 * {@link #serialize} accepts, nulls included wherever the event allows them; {@link #copy} shares
 * the immutable event and copies the mutable bit array. The format is version 1 of {@link
 * Snapshot}; a change of format needs a new version there.
 */
public final class RoutedEventSerializer extends TypeSerializerSingleton<RoutedEvent> {
    private static final long serialVersionUID = 1L;

    public static final RoutedEventSerializer INSTANCE = new RoutedEventSerializer();

    /** The count written for a null bit array (a real one has at least 0 words). */
    private static final int NO_BITS = -1;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public RoutedEvent createInstance() {
        return new RoutedEvent();
    }

    @Override
    public RoutedEvent copy(RoutedEvent from) {
        return new RoutedEvent(
                from.key, from.event, from.rules == null ? null : from.rules.clone(), from.layout);
    }

    @Override
    public RoutedEvent copy(RoutedEvent from, RoutedEvent reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(RoutedEvent record, DataOutputView out) throws IOException {
        StringValue.writeString(record.key, out);
        writeEvent(record.event, out);
        long[] rules = record.rules;
        if (rules == null) {
            out.writeInt(NO_BITS);
        } else {
            out.writeInt(rules.length);
            for (long word : rules) {
                out.writeLong(word);
            }
        }
        out.writeInt(record.layout);
    }

    @Override
    public RoutedEvent deserialize(DataInputView in) throws IOException {
        String key = StringValue.readString(in);
        AccessEvent event = readEvent(in);
        int words = in.readInt();
        long[] rules = null;
        if (words != NO_BITS) {
            rules = new long[words];
            for (int i = 0; i < words; i++) {
                rules[i] = in.readLong();
            }
        }
        return new RoutedEvent(key, event, rules, in.readInt());
    }

    @Override
    public RoutedEvent deserialize(RoutedEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    private static void writeEvent(AccessEvent e, DataOutputView out) throws IOException {
        if (e == null) {
            out.writeBoolean(false);
            return;
        }
        out.writeBoolean(true);
        out.writeLong(e.timestamp());
        StringValue.writeString(e.clientip(), out);
        StringValue.writeString(e.host(), out);
        StringValue.writeString(e.method(), out);
        StringValue.writeString(e.url(), out);
        StringValue.writeString(e.path(), out);
        StringValue.writeString(e.query(), out);
        StringValue.writeString(e.protocol(), out);
        out.writeInt(e.status());
        out.writeLong(e.size());
        out.writeDouble(e.responsetime());
        StringValue.writeString(e.upstreamtime(), out);
        StringValue.writeString(e.upstreamhost(), out);
        StringValue.writeString(e.http_host(), out);
        StringValue.writeString(e.xff(), out);
        StringValue.writeString(e.refer(), out);
        StringValue.writeString(e.agent(), out);
        StringValue.writeString(e.request_id(), out);
        Map<String, String> extra = e.extra();
        out.writeInt(extra.size());
        for (Map.Entry<String, String> x : extra.entrySet()) {
            StringValue.writeString(x.getKey(), out);
            StringValue.writeString(x.getValue(), out);
        }
    }

    private static AccessEvent readEvent(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        long timestamp = in.readLong();
        String clientip = StringValue.readString(in);
        String host = StringValue.readString(in);
        String method = StringValue.readString(in);
        String url = StringValue.readString(in);
        String path = StringValue.readString(in);
        String query = StringValue.readString(in);
        String protocol = StringValue.readString(in);
        int status = in.readInt();
        long size = in.readLong();
        double responsetime = in.readDouble();
        String upstreamtime = StringValue.readString(in);
        String upstreamhost = StringValue.readString(in);
        String httpHost = StringValue.readString(in);
        String xff = StringValue.readString(in);
        String refer = StringValue.readString(in);
        String agent = StringValue.readString(in);
        String requestId = StringValue.readString(in);
        int n = in.readInt();
        Map<String, String> extra;
        if (n == 0) {
            extra = Map.of();
        } else {
            // Insertion order kept, as the parser's map has it (evidence lists extras in order).
            extra = new LinkedHashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                extra.put(StringValue.readString(in), StringValue.readString(in));
            }
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

    @Override
    public TypeSerializerSnapshot<RoutedEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Version 1: the format of this class's Javadoc. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RoutedEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
