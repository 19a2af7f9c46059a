package io.nginxalerts.job.time;

import io.nginxalerts.job.source.ParsedRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The watermark strategy for log records, applied in the source so that every Kafka partition has
 * its own watermark: bounded out-of-orderness, with idleness so a quiet partition does not hold the
 * others back. Dead letters carry no event time and never move the watermark; a far-future event
 * cannot either, because the parser rejects it before it gets here.
 */
public final class EventTimeWatermarks {
    private EventTimeWatermarks() {}

    public static WatermarkStrategy<ParsedRecord> strategy(
            Duration maxOutOfOrderness, Duration partitionIdleness) {
        WatermarkStrategy<ParsedRecord> strategy =
                WatermarkStrategy.<ParsedRecord>forGenerator(
                                new EventsOnlySupplier(maxOutOfOrderness))
                        .withTimestampAssigner(new EventTimestamps());
        return partitionIdleness.isZero() ? strategy : strategy.withIdleness(partitionIdleness);
    }

    /**
     * Bounded out-of-orderness that ignores records without an event time, and that also emits the
     * watermark as soon as an event moves it forward by a whole second of event time, not only on
     * the periodic processing-time tick. That makes event time, and so which events are late, a
     * function of the input alone: a backtest gives the same result however fast it reads.
     */
    static final class EventsOnlySupplier implements WatermarkGeneratorSupplier<ParsedRecord> {
        private static final long serialVersionUID = 1L;
        private final long maxOutOfOrdernessMillis;

        EventsOnlySupplier(Duration maxOutOfOrderness) {
            this.maxOutOfOrdernessMillis = maxOutOfOrderness.toMillis();
        }

        @Override
        public WatermarkGenerator<ParsedRecord> createWatermarkGenerator(Context context) {
            return new EventsOnlyGenerator(maxOutOfOrdernessMillis);
        }
    }

    static final class EventsOnlyGenerator implements WatermarkGenerator<ParsedRecord> {
        static final long EAGER_STEP_MILLIS = 1000;

        private final long maxOutOfOrdernessMillis;
        private long maxTimestamp = Long.MIN_VALUE;
        private long emitted = Long.MIN_VALUE;

        EventsOnlyGenerator(long maxOutOfOrdernessMillis) {
            this.maxOutOfOrdernessMillis = maxOutOfOrdernessMillis;
        }

        @Override
        public void onEvent(ParsedRecord record, long timestamp, WatermarkOutput output) {
            if (record.event() == null || timestamp <= maxTimestamp) {
                return;
            }
            maxTimestamp = timestamp;
            long watermark = current();
            if (emitted == Long.MIN_VALUE || watermark - emitted >= EAGER_STEP_MILLIS) {
                emit(watermark, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            if (maxTimestamp != Long.MIN_VALUE) {
                emit(current(), output);
            }
        }

        private long current() {
            return maxTimestamp - maxOutOfOrdernessMillis - 1;
        }

        private void emit(long watermark, WatermarkOutput output) {
            if (watermark > emitted) {
                emitted = watermark;
                output.emitWatermark(new Watermark(watermark));
            }
        }
    }
}
