package io.nginxalerts.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink at a parallelism above 1, in a local Flink: every subtask's lines end up in one file.
 */
class JsonLinesSinkITCase {
    @TempDir Path dir;

    @Test
    void severalSubtasksWriteExactlyOnceIntoTheOneCommittedFile() throws Exception {
        Path target = dir.resolve("numbers.jsonl");
        Files.writeString(target, "\"an older run\"\n");
        try (StagedFile staged = StagedFile.of(target)) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(3);
            env.fromSequence(1, 1000)
                    .sinkTo(JsonLinesSink.<Long>toParts(staged, String::valueOf))
                    .uid("numbers-sink")
                    .name("Numbers")
                    .setParallelism(3);
            env.execute("json lines sink at parallelism 3");
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.filter(f -> f.getFileName().toString().contains(".part-")))
                        .hasSize(3);
            }
            staged.commit();
        }
        List<Long> expected = LongStream.rangeClosed(1, 1000).boxed().toList();
        assertThat(Files.readAllLines(target).stream().map(Long::valueOf))
                .containsExactlyInAnyOrderElementsOf(expected);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("numbers.jsonl");
        }
    }
}
