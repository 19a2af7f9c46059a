package io.nginxalerts.job.time;

import io.nginxalerts.job.source.ParsedRecord;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/** Event time is the request time from the log; dead letters get no time of their own. */
public final class EventTimestamps implements SerializableTimestampAssigner<ParsedRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public long extractTimestamp(ParsedRecord record, long recordTimestamp) {
        return record.eventTimestamp();
    }
}
