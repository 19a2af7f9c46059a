package io.nginxalerts.job.time;

import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Passes records and watermarks through unchanged, and moves event time forward when the input has
 * gone quiet, so the alert for the last burst before traffic stops is not held back forever.
 *
 * <p>When no record has arrived for {@code idleAfterMillis} of wall-clock time, the operator emits
 * the last input watermark plus the wall-clock time that has passed since the last record. It does
 * not jump to the wall clock itself: a replay of old logs that pauses is not made late wholesale.
 * Watermarks stay monotonic: an input watermark below what was already emitted is swallowed.
 *
 * <p>The last input watermark and the wall-clock time of the last record are kept in operator
 * state, so after a restore on an input that stays quiet the flush still happens, a match pending
 * in the checkpoint completes, and the time the job was down counts as quiet time: otherwise a
 * quiet subtask would come back with event time behind the others by the downtime and, as their
 * minimum, hold every rule back until its partitions get a record. After a (re)start the operator
 * first waits {@code idleAfterMillis} for records, so a backlog that is about to arrive is not made
 * late by a flush over the downtime. Restored values are combined conservatively (union state: the
 * lowest watermark, the latest record time), which is safe when the parallelism changes.
 *
 * <p>Trade-off: an event that arrives after such a flush with an older timestamp than the flushed
 * watermark is late (it goes to the late output, never silently lost). Choose {@code
 * idleAfterMillis} longer than the usual delay of your log shipping.
 */
public final class IdleSourceFlush<T> extends AbstractStreamOperator<T>
        implements OneInputStreamOperator<T, T>, ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    private final long idleAfterMillis;
    private final long checkIntervalMillis;

    /** Restored from state before open() (Long.MIN_VALUE when there is none), then live. */
    private transient long lastRecordWallClock = Long.MIN_VALUE;

    private transient long openedAt;
    private transient long lastInputWatermark = Long.MIN_VALUE;
    private transient ListState<Long> lastInputWatermarkState;
    private transient ListState<Long> lastRecordWallClockState;
    private transient long emittedWatermark;
    private transient boolean outputIdle;

    public IdleSourceFlush(long idleAfterMillis) {
        if (idleAfterMillis <= 0) {
            throw new IllegalArgumentException("idleAfterMillis must be > 0");
        }
        this.idleAfterMillis = idleAfterMillis;
        this.checkIntervalMillis = Math.max(50, Math.min(1000, idleAfterMillis / 4));
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        lastInputWatermarkState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>("last-input-watermark", Long.class));
        long restored = Long.MAX_VALUE;
        boolean any = false;
        for (Long watermark : lastInputWatermarkState.get()) {
            if (watermark != null && watermark != Long.MIN_VALUE) {
                restored = Math.min(restored, watermark);
                any = true;
            }
        }
        lastInputWatermark = any ? restored : Long.MIN_VALUE;
        // Absent in state from versions that did not keep it: quiet time then counts from open.
        lastRecordWallClockState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>("last-record-wall-clock", Long.class));
        for (Long wallClock : lastRecordWallClockState.get()) {
            if (wallClock != null) {
                lastRecordWallClock = Math.max(lastRecordWallClock, wallClock);
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        lastInputWatermarkState.update(List.of(lastInputWatermark));
        lastRecordWallClockState.update(List.of(lastRecordWallClock));
    }

    @Override
    public void open() throws Exception {
        super.open();
        emittedWatermark = Long.MIN_VALUE;
        openedAt = getProcessingTimeService().getCurrentProcessingTime();
        if (lastRecordWallClock == Long.MIN_VALUE || lastRecordWallClock > openedAt) {
            lastRecordWallClock = openedAt;
        }
        scheduleCheck();
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        lastRecordWallClock = getProcessingTimeService().getCurrentProcessingTime();
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) {
        lastInputWatermark = Math.max(lastInputWatermark, mark.getTimestamp());
        emit(mark.getTimestamp());
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        outputIdle = status.isIdle();
        output.emitWatermarkStatus(status);
    }

    @Override
    public void onProcessingTime(long timerTime) {
        // The actual time, not the timer's: a timer may fire late.
        long now = getProcessingTimeService().getCurrentProcessingTime();
        long quietFor = now - lastRecordWallClock;
        if (quietFor >= idleAfterMillis
                && now - openedAt >= idleAfterMillis
                && lastInputWatermark != Long.MIN_VALUE
                && lastInputWatermark < Long.MAX_VALUE - quietFor) {
            emit(lastInputWatermark + quietFor);
        }
        scheduleCheck();
    }

    private void emit(long watermark) {
        if (watermark <= emittedWatermark) {
            return;
        }
        if (outputIdle) {
            // An idle output drops watermarks; announce activity first.
            outputIdle = false;
            output.emitWatermarkStatus(WatermarkStatus.ACTIVE);
        }
        emittedWatermark = watermark;
        output.emitWatermark(new Watermark(watermark));
    }

    private void scheduleCheck() {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + checkIntervalMillis, this);
    }
}
