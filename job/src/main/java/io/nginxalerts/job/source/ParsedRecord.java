package io.nginxalerts.job.source;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.DeadLetter;

/**
 * What a source emits for one input record: either a parsed {@link AccessEvent} or a {@link
 * DeadLetter}, plus where the record came from (Kafka topic/partition/offset, or file/line), so a
 * late event can still be traced to its input.
 *
 * <p>Exactly one of {@code event} and {@code deadLetter} is non-null. Parsing happens inside the
 * source so that event time, and thus watermarks, are assigned per Kafka partition.
 */
public record ParsedRecord(
        AccessEvent event, DeadLetter deadLetter, String origin, int partition, long offset) {

    /** The event time, or {@link Long#MIN_VALUE} for a dead letter (it must not move time). */
    public long eventTimestamp() {
        return event != null ? event.timestamp() : Long.MIN_VALUE;
    }
}
