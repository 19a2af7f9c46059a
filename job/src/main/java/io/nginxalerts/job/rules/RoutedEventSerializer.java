package io.nginxalerts.job.rules;

import io.nginxalerts.core.event.AccessEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The wire and state form of a {@link RoutedEvent}: its key, the event's components in declaration
 * order ({@code extra} as a count and pairs), the rule bits and the layout, written by hand.
 *
 * <p>Why not the POJO serializer Flink would pick: every event crosses one {@code keyBy} per rule
 * group and waits in the group operator's state, so this is paid several times per event. The POJO
 * serializer reads and writes each field by reflection and hands {@code extra} (a map) to Kryo;
 * this writes the same data with direct calls and copies each string's bytes at once (a round trip
 * of a bench event took about half the time; bench/README.md).
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
        writeString(record.key, out);
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
        String key = readString(in);
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
        writeString(e.clientip(), out);
        writeString(e.host(), out);
        writeString(e.method(), out);
        writeString(e.url(), out);
        writeString(e.path(), out);
        writeString(e.query(), out);
        writeString(e.protocol(), out);
        out.writeInt(e.status());
        out.writeLong(e.size());
        out.writeDouble(e.responsetime());
        writeString(e.upstreamtime(), out);
        writeString(e.upstreamhost(), out);
        writeString(e.http_host(), out);
        writeString(e.xff(), out);
        writeString(e.refer(), out);
        writeString(e.agent(), out);
        writeString(e.request_id(), out);
        Map<String, String> extra = e.extra();
        out.writeInt(extra.size());
        for (Map.Entry<String, String> x : extra.entrySet()) {
            writeString(x.getKey(), out);
            writeString(x.getValue(), out);
        }
    }

    private static AccessEvent readEvent(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        long timestamp = in.readLong();
        String clientip = readString(in);
        String host = readString(in);
        String method = readString(in);
        String url = readString(in);
        String path = readString(in);
        String query = readString(in);
        String protocol = readString(in);
        int status = in.readInt();
        long size = in.readLong();
        double responsetime = in.readDouble();
        String upstreamtime = readString(in);
        String upstreamhost = readString(in);
        String httpHost = readString(in);
        String xff = readString(in);
        String refer = readString(in);
        String agent = readString(in);
        String requestId = readString(in);
        int n = in.readInt();
        Map<String, String> extra;
        if (n == 0) {
            extra = Map.of();
        } else {
            // Insertion order kept, as the parser's map has it (evidence lists extras in order).
            extra = new LinkedHashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                extra.put(readString(in), readString(in));
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

    /** The length written for a null string. */
    private static final int NULL_STRING = -1;

    /** Set in the length of a string written as UTF-8; ISO-8859-1 strings have it clear. */
    private static final int UTF8 = 1 << 30;

    /**
     * A string as its length (with {@link #UTF8} if it needs more than ISO-8859-1) and its bytes,
     * copied in one call. Why not Flink's {@code StringValue}: it writes and reads a character at a
     * time through a per-thread buffer, which was the largest cost of reading an event here, while
     * log lines are nearly all ASCII, one byte a character.
     */
    static void writeString(String text, DataOutputView out) throws IOException {
        if (text == null) {
            out.writeInt(NULL_STRING);
            return;
        }
        byte[] bytes;
        int flag = 0;
        if (isLatin1(text)) {
            bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        } else {
            bytes = text.getBytes(StandardCharsets.UTF_8);
            flag = UTF8;
        }
        out.writeInt(bytes.length | flag);
        out.write(bytes);
    }

    static String readString(DataInputView in) throws IOException {
        int head = in.readInt();
        if (head == NULL_STRING) {
            return null;
        }
        int length = head & ~UTF8;
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(
                bytes, (head & UTF8) != 0 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    private static boolean isLatin1(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            if (text.charAt(i) > 0xFF) {
                return false;
            }
        }
        return true;
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
