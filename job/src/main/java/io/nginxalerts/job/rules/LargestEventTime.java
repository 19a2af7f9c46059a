package io.nginxalerts.job.rules;

import io.nginxalerts.core.event.AccessEvent;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Tracks the largest timestamp of the events this subtask saw and emits it once, when its input
 * ends (a bounded input: backtest, {@code demo --once}); an unbounded input never ends, so it emits
 * nothing. Watermarks pass through unchanged. It feeds {@link EndOfInputGate}, which must know
 * whether the events' own time reached an absence alert's deadline.
 *
 * <p>The maximum is kept in operator state, so a restore does not forget events read before the
 * checkpoint; after a change of parallelism each subtask takes the largest of what it gets, so the
 * overall maximum survives. A subtask that saw no event emits nothing.
 */
public final class LargestEventTime extends AbstractStreamOperator<Long>
        implements OneInputStreamOperator<AccessEvent, Long>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private transient long largest = Long.MIN_VALUE;
    private transient ListState<Long> largestState;

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        largestState =
                context.getOperatorStateStore()
                        .getListState(new ListStateDescriptor<>("largest-event-time", Long.class));
        largest = Long.MIN_VALUE;
        for (Long t : largestState.get()) {
            if (t != null) {
                largest = Math.max(largest, t);
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        largestState.update(List.of(largest));
    }

    @Override
    public void processElement(StreamRecord<AccessEvent> element) {
        largest = Math.max(largest, element.getValue().timestamp());
    }

    @Override
    public void endInput() {
        if (largest != Long.MIN_VALUE) {
            output.collect(new StreamRecord<>(largest));
        }
    }
}
