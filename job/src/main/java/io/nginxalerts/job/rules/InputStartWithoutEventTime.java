package io.nginxalerts.job.rules;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Passes the router's running minimum event times ({@link GroupRouter#INPUT_START}) on to the rule
 * groups' broadcast input without any event time: it drops watermarks and watermark statuses and
 * declares its output idle once, when it opens.
 *
 * <p>Why: a {@link RuleGroupOperator} takes the smaller watermark of its two inputs, ignoring an
 * idle one. When the broadcast input carried the router's watermarks too, a Kafka outage (every
 * partition idle) followed by a resume let the group operator's event time run ahead of the events
 * still on their way through the keyed input, and the first events after the outage became late
 * dead letters ({@code KafkaBrokerRestartITCase}). With this input always idle, only the events'
 * own input moves the rule groups' event time, as for every one-input operator.
 *
 * <p>Its records are flushed at once (buffer timeout 0 in the pipeline): a new minimum is sent when
 * the router reads the event that lowers it, long before the watermark has passed that event on the
 * keyed input, so first-seen rules learn from the right start.
 */
public final class InputStartWithoutEventTime extends AbstractStreamOperator<Long>
        implements OneInputStreamOperator<Long, Long> {
    private static final long serialVersionUID = 1L;

    @Override
    public void open() throws Exception {
        super.open();
        output.emitWatermarkStatus(WatermarkStatus.IDLE);
    }

    @Override
    public void processElement(StreamRecord<Long> element) {
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) {
        // Dropped: this stream has no event time of its own.
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        // Dropped: the output stays idle.
    }
}
