package io.nginxalerts.core.rules;

import io.nginxalerts.core.event.AccessEvent;
import java.util.Arrays;
import java.util.Locale;

/**
 * The decoded fields that rules may use like any other field: {@code url_decoded}, {@code
 * path_decoded}, {@code query_decoded} and {@code agent_lower}. They are derived from the event,
 * not stored in it, so the event's serialized form does not change.
 *
 * <p>Guarantees: {@code path_decoded} is {@code path} percent-decoded ({@link PercentDecoding},
 * {@code +} kept); {@code query_decoded} is {@code query} percent-decoded with {@code +} as a
 * space; {@code url_decoded} is {@code url} split at its first {@code ?}, the part before decoded
 * as a path and the part after as a query, joined by {@code ?} again; all three are then
 * lower-cased ({@link Locale#ROOT}). {@code agent_lower} is {@code agent} lower-cased, not decoded.
 * Each is {@code null} when its source field is.
 *
 * <p>The text is computed only when a condition asks for it, and at most once per event and field:
 * every rule's conditions run on the same event instance in turn, so a per-thread memo of the last
 * event (compared by identity) serves the other rules. The memo holds that one event until the
 * thread sees the next one.
 */
enum DecodedField {
    URL("url_decoded"),
    PATH("path_decoded"),
    QUERY("query_decoded"),
    AGENT("agent_lower");

    private static final DecodedField[] ALL = values();
    private static final ThreadLocal<Memo> MEMO = ThreadLocal.withInitial(Memo::new);

    /**
     * The memo last taken from {@link #MEMO}, of whichever thread took it. A thread that finds its
     * own here skips the {@code ThreadLocal} lookup, which in a Flink task thread (many thread
     * locals, so colliding slots) was a tenth of a rule group's time; a task thread asks many times
     * in a row, so it nearly always finds its own.
     */
    private static volatile Memo lastMemo;

    private final String fieldName;

    DecodedField(String fieldName) {
        this.fieldName = fieldName;
    }

    String fieldName() {
        return fieldName;
    }

    /** The field of this event, from the memo when this thread computed it for this event. */
    String text(AccessEvent event) {
        return memo().text(event, this);
    }

    private static Memo memo() {
        Memo last = lastMemo;
        if (last != null && last.owner == Thread.currentThread()) {
            return last;
        }
        Memo own = MEMO.get();
        lastMemo = own;
        return own;
    }

    /** The field of this event, computed now (no memo). */
    String compute(AccessEvent event) {
        switch (this) {
            case URL:
                return url(event.url());
            case PATH:
                return lower(PercentDecoding.decode(event.path(), false));
            case QUERY:
                return lower(PercentDecoding.decode(event.query(), true));
            default:
                return lower(event.agent());
        }
    }

    static String url(String url) {
        if (url == null) {
            return null;
        }
        int q = url.indexOf('?');
        if (q < 0) {
            return lower(PercentDecoding.decode(url, false));
        }
        return lower(
                PercentDecoding.decode(url.substring(0, q), false)
                        + '?'
                        + PercentDecoding.decode(url.substring(q + 1), true));
    }

    private static String lower(String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }

    /** The decoded fields of the last event this thread asked about. */
    private static final class Memo {
        private static final Object UNSET = new Object();

        /** The thread this memo belongs to: only it reads or writes the fields below. */
        private final Thread owner = Thread.currentThread();

        private AccessEvent event;
        private final Object[] values = new Object[ALL.length];

        String text(AccessEvent of, DecodedField field) {
            if (of != event) {
                // A strong reference: the event cannot be collected and its identity reused.
                event = of;
                Arrays.fill(values, UNSET);
            }
            Object value = values[field.ordinal()];
            if (value == UNSET) {
                value = field.compute(of);
                values[field.ordinal()] = value;
            }
            return (String) value;
        }
    }
}
