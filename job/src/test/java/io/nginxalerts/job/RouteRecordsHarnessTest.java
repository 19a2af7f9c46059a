package io.nginxalerts.job;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.DeadLetter;
import io.nginxalerts.core.parse.RejectReason;
import io.nginxalerts.job.source.ParsedRecord;
import io.nginxalerts.job.source.RecordParser;
import io.nginxalerts.job.testing.NginxLines;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RouteRecords} as one operator in a test harness: parsed events go on, records that did not
 * parse become dead letters with their reason, and events the watermark has passed go both to the
 * late output and, with reason {@code late}, to the dead letters; each path is counted. Records are
 * built from nginx lines by the sources' own {@link RecordParser}, and time moves only by {@code
 * processWatermark}.
 */
class RouteRecordsHarnessTest {
    static final String TOPIC = "nginx-access";
    static final int PARTITION = 3;

    /** Named time fixtures, as in flink-training. */
    static final Instant BEGINNING = NginxLines.BEGINNING;

    static final Instant TEN_SECONDS_LATER = BEGINNING.plusSeconds(10);
    static final Instant THIRTY_SECONDS_LATER = BEGINNING.plusSeconds(30);
    static final Instant ONE_MINUTE_LATER = BEGINNING.plusSeconds(60);
    static final Instant FAR_FUTURE = Instant.parse("2099-01-01T00:00:00Z");

    final RecordParser parser = new RecordParser(65536, Duration.ofMinutes(5));
    long nextOffset = 100;
    OneInputStreamOperatorTestHarness<ParsedRecord, AccessEvent> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new RouteRecords()));
        harness.open();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void parsedEventsGoOnWithTheirEventTime() throws Exception {
        ParsedRecord record = record(request(BEGINNING, "203.0.113.7").status(404).line());
        assertThat(record.event()).as("the line parses").isNotNull();

        send(record);

        List<StreamRecord<? extends AccessEvent>> out = harness.extractOutputStreamRecords();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getValue()).isEqualTo(record.event());
        assertThat(out.get(0).getTimestamp()).isEqualTo(BEGINNING.toEpochMilli());
        assertThat(deadLetters()).isEmpty();
        assertThat(late()).isEmpty();
    }

    @Test
    void recordsThatDidNotParseBecomeDeadLettersWithTheirReasonAndOrigin() throws Exception {
        send(record("this is not an access log line"));
        send(record("{\"@timestamp\": \"2026-11-26T10:00:00+00:00\", \"clientip\""));
        send(parser.parse(null, TOPIC, PARTITION, nextOffset++));
        send(record(request(FAR_FUTURE, "203.0.113.7").line()));
        send(record(request(BEGINNING, "203.0.113.7").without("clientip").line()));

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(late()).isEmpty();
        List<DeadLetter> dead = deadLetters();
        assertThat(dead)
                .extracting(DeadLetter::reason)
                .containsExactly(
                        RejectReason.UNRECOGNIZED_FORMAT.code(),
                        RejectReason.INVALID_JSON.code(),
                        RejectReason.EMPTY.code(),
                        RejectReason.FUTURE_TIMESTAMP.code(),
                        RejectReason.MISSING_FIELD.code());
        assertThat(dead).extracting(DeadLetter::topic).containsOnly(TOPIC);
        assertThat(dead).extracting(DeadLetter::partition).containsOnly(PARTITION);
        assertThat(dead)
                .extracting(DeadLetter::offset)
                .containsExactly(100L, 101L, 102L, 103L, 104L);
        assertThat(dead.get(0).raw()).isEqualTo("this is not an access log line");
        assertThat(dead).allSatisfy(d -> assertThat(d.detail()).isNotBlank());
    }

    @Test
    void aRecordThatDidNotParseKeepsItsReasonAfterTheWatermarkMoved() throws Exception {
        harness.processWatermark(ONE_MINUTE_LATER.toEpochMilli());

        send(record("this is not an access log line"));

        assertThat(deadLetters())
                .singleElement()
                .extracting(DeadLetter::reason)
                .isEqualTo(RejectReason.UNRECOGNIZED_FORMAT.code());
        assertThat(late()).isEmpty();
    }

    @Test
    void eventsAtOrBehindTheWatermarkAreLateAndDeadLetters() throws Exception {
        harness.processWatermark(THIRTY_SECONDS_LATER.toEpochMilli());

        ParsedRecord behind = record(request(BEGINNING, "203.0.113.7").line());
        ParsedRecord atTheWatermark = record(request(THIRTY_SECONDS_LATER, "203.0.113.8").line());
        ParsedRecord onTime = record(request(ONE_MINUTE_LATER, "203.0.113.9").line());
        send(behind);
        send(atTheWatermark);
        send(onTime);

        assertThat(harness.extractOutputValues()).containsExactly(onTime.event());
        assertThat(late()).containsExactly(behind.event(), atTheWatermark.event());
        List<DeadLetter> dead = deadLetters();
        assertThat(dead).hasSize(2);
        assertThat(dead).extracting(DeadLetter::reason).containsOnly(RejectReason.LATE.code());
        assertThat(dead.get(0).detail())
                .isEqualTo("event time is behind the watermark by 30000 ms");
        assertThat(dead.get(1).detail()).isEqualTo("event time is behind the watermark by 0 ms");
        // The event as the job read it, and where it came from, so it can be traced and replayed.
        assertThat(dead.get(0).raw()).isEqualTo(AlertCodec.encodeEvent(behind.event()));
        assertThat(dead.get(0).topic()).isEqualTo(TOPIC);
        assertThat(dead.get(0).partition()).isEqualTo(PARTITION);
        assertThat(dead.get(0).offset()).isEqualTo(behind.offset());
    }

    @Test
    void countsEveryPath() throws Exception {
        send(record(request(TEN_SECONDS_LATER, "203.0.113.7").line()));
        send(record(request(THIRTY_SECONDS_LATER, "203.0.113.7").line()));
        harness.processWatermark(THIRTY_SECONDS_LATER.toEpochMilli());
        send(record(request(BEGINNING, "203.0.113.7").line()));
        send(record("this is not an access log line"));
        send(record("also not one"));
        send(record(request(BEGINNING, "203.0.113.7").without("clientip").line()));

        assertThat(counts())
                .containsEntry("events", 2L)
                .containsEntry("late", 1L)
                .containsEntry("rejected." + RejectReason.UNRECOGNIZED_FORMAT.code(), 2L)
                .containsEntry("rejected." + RejectReason.MISSING_FIELD.code(), 1L)
                .containsEntry("rejected." + RejectReason.INVALID_JSON.code(), 0L)
                .doesNotContainKey("rejected." + RejectReason.LATE.code());
    }

    @Test
    void holdsNoState() throws Exception {
        // Not keyed, so it cannot register timers either: nothing is left behind by quiet keys.
        send(record(request(BEGINNING, "203.0.113.7").line()));
        harness.processWatermark(THIRTY_SECONDS_LATER.toEpochMilli());
        send(record(request(TEN_SECONDS_LATER, "203.0.113.7").line()));
        send(record("this is not an access log line"));

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.snapshot(1L, 1L).hasState())
                .as("a checkpoint of the router carries nothing")
                .isFalse();
    }

    ParsedRecord record(String line) {
        return parser.parse(line.getBytes(StandardCharsets.UTF_8), TOPIC, PARTITION, nextOffset++);
    }

    /** As the source's watermark strategy does: a record's time is its event's time. */
    void send(ParsedRecord record) throws Exception {
        harness.processElement(record, record.eventTimestamp());
    }

    List<DeadLetter> deadLetters() {
        return values(harness.getSideOutput(RouteRecords.DEAD_LETTERS));
    }

    List<AccessEvent> late() {
        return values(harness.getSideOutput(RouteRecords.LATE));
    }

    static <T> List<T> values(Queue<StreamRecord<T>> records) {
        List<T> values = new ArrayList<>();
        if (records != null) {
            records.forEach(r -> values.add(r.getValue()));
        }
        return values;
    }

    /** The operator's counts, read from the accumulators that back its metrics. */
    Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        for (Map.Entry<String, Accumulator<?, ?>> e :
                harness.getEnvironment().getAccumulatorRegistry().getUserMap().entrySet()) {
            counts.put(e.getKey(), (Long) e.getValue().getLocalValue());
        }
        return counts;
    }
}
