package io.nginxalerts.job.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link IdleSourceFlush} in a harness: wall-clock time is set by hand, nothing waits. */
class IdleSourceFlushTest {
    static final long IDLE_AFTER = 10_000;
    static final long START = 1_000_000;

    OneInputStreamOperatorTestHarness<String, String> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(new IdleSourceFlush<>(IDLE_AFTER));
        harness.setProcessingTime(START);
        harness.open();
        harness.processElement(new StreamRecord<>("burst", 50_000));
        harness.processWatermark(new Watermark(45_000));
        harness.getOutput().clear();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void holdsEventTimeWhileTheInputIsQuietForLessThanTheIdleTime() throws Exception {
        harness.setProcessingTime(START + IDLE_AFTER - 1);
        assertThat(watermarks()).isEmpty();
    }

    @Test
    void movesEventTimeByTheWallClockTimeSinceTheLastRecordOnceIdle() throws Exception {
        harness.setProcessingTime(START + IDLE_AFTER + 3_000);
        List<Long> marks = watermarks();
        assertThat(marks).isNotEmpty().isSorted();
        long last = marks.get(marks.size() - 1);
        // Never past "last input watermark + quiet time", never the wall clock itself.
        assertThat(last).isBetween(45_000 + IDLE_AFTER, 45_000 + IDLE_AFTER + 3_000);
    }

    @Test
    void neverEmitsAWatermarkBelowOneAlreadyEmitted() throws Exception {
        harness.setProcessingTime(START + IDLE_AFTER + 3_000);
        List<Long> flushed = watermarks();
        harness.getOutput().clear();
        harness.processElement(new StreamRecord<>("straggler", 46_000));
        harness.processWatermark(new Watermark(46_000));
        assertThat(watermarks()).isEmpty();
        harness.processWatermark(new Watermark(flushed.get(flushed.size() - 1) + 1));
        assertThat(watermarks()).hasSize(1);
    }

    @Test
    void announcesActivityBeforeFlushingAnIdleInput() throws Exception {
        harness.processWatermarkStatus(WatermarkStatus.IDLE);
        harness.setProcessingTime(START + IDLE_AFTER + 1_000);
        List<Object> output = List.copyOf(harness.getOutput());
        assertThat(output.get(0)).isEqualTo(WatermarkStatus.IDLE);
        assertThat(output.get(1)).isEqualTo(WatermarkStatus.ACTIVE);
        assertThat(output.get(2)).isInstanceOf(Watermark.class);
    }

    @Test
    void doesNothingBeforeTheFirstWatermark() throws Exception {
        OneInputStreamOperatorTestHarness<String, String> fresh =
                new OneInputStreamOperatorTestHarness<>(new IdleSourceFlush<>(IDLE_AFTER));
        fresh.setProcessingTime(START);
        fresh.open();
        fresh.setProcessingTime(START + 10 * IDLE_AFTER);
        assertThat(fresh.getOutput()).isEmpty();
        fresh.close();
    }

    @Test
    void countsTheDowntimeAsQuietTimeWhenTheInputStaysQuietAfterARestore() throws Exception {
        // Last record at START; down for 100 s; then quiet for the idle time and 2 s more.
        OneInputStreamOperatorTestHarness<String, String> restored = restoredAt(START + 100_000);
        restored.setProcessingTime(START + 100_000 + IDLE_AFTER + 2_000);
        // Quiet since the record before the failure, not since the restore: event time lands
        // where it would be had the job not been down, not 100 s behind the other subtasks.
        assertThat(last(restored)).isBetween(45_000 + 100_000 + IDLE_AFTER, 45_000 + 112_000L);
        restored.close();
    }

    @Test
    void waitsTheIdleTimeAfterARestoreBeforeFlushingSoTheBacklogIsNotMadeLate() throws Exception {
        OneInputStreamOperatorTestHarness<String, String> restored = restoredAt(START + 100_000);
        restored.setProcessingTime(START + 100_000 + IDLE_AFTER - 1);
        assertThat(restored.getOutput()).noneMatch(o -> o instanceof Watermark);
        restored.close();
    }

    @Test
    void aRecordAfterARestoreRestartsTheQuietTime() throws Exception {
        OneInputStreamOperatorTestHarness<String, String> restored = restoredAt(START + 100_000);
        restored.setProcessingTime(START + 100_500);
        restored.processElement(new StreamRecord<>("backlog", 46_000));
        restored.setProcessingTime(START + 100_500 + IDLE_AFTER - 1);
        assertThat(restored.getOutput()).noneMatch(o -> o instanceof Watermark);
        restored.setProcessingTime(START + 100_500 + IDLE_AFTER + 1_000);
        assertThat(last(restored)).isBetween(45_000 + IDLE_AFTER, 45_000 + IDLE_AFTER + 1_000);
        restored.close();
    }

    /** A new instance restored from a snapshot of {@link #harness}, opened at {@code now}. */
    private OneInputStreamOperatorTestHarness<String, String> restoredAt(long now)
            throws Exception {
        var snapshot = harness.snapshot(1L, START);
        OneInputStreamOperatorTestHarness<String, String> restored =
                new OneInputStreamOperatorTestHarness<>(new IdleSourceFlush<>(IDLE_AFTER));
        restored.setProcessingTime(now);
        restored.initializeState(snapshot);
        restored.open();
        return restored;
    }

    private static long last(OneInputStreamOperatorTestHarness<String, String> h) {
        List<Long> marks =
                h.getOutput().stream()
                        .filter(o -> o instanceof Watermark)
                        .map(o -> ((Watermark) o).getTimestamp())
                        .toList();
        assertThat(marks).isNotEmpty().isSorted();
        return marks.get(marks.size() - 1);
    }

    private List<Long> watermarks() {
        return harness.getOutput().stream()
                .filter(o -> o instanceof Watermark)
                .map(o -> ((Watermark) o).getTimestamp())
                .toList();
    }
}
