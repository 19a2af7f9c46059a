package io.nginxalerts.job.testing;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.DeadLetter;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.Pipeline;
import io.nginxalerts.job.rules.ThresholdOperator;
import io.nginxalerts.job.source.LogFileFormat;
import io.nginxalerts.job.source.ParsedRecord;
import io.nginxalerts.job.source.RecordParser;
import io.nginxalerts.job.time.EventTimeSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Runs the real {@link Pipeline} over given log lines on the test MiniCluster (the caller registers
 * a {@code MiniClusterExtension}) and returns everything it produced. The input is a bounded file,
 * so event time is driven only by the events' own timestamps and the final watermark at the end of
 * input.
 */
public final class PipelineRun {
    public record Result(
            List<Alert> alerts, List<DeadLetter> deadLetters, List<AccessEvent> late) {}

    private PipelineRun() {}

    public static Result run(List<Rule> rules, List<String> lines) throws Exception {
        return run(rules, lines, 1);
    }

    public static Result run(List<Rule> rules, List<String> lines, int parallelism)
            throws Exception {
        return run(rules, lines, parallelism, ThresholdOperator.GROUPED);
    }

    /** As {@link #run(List, List, int)}, with threshold rules on the given operator. */
    public static Result run(
            List<Rule> rules, List<String> lines, int parallelism, ThresholdOperator thresholds)
            throws Exception {
        Path file = Files.createTempFile("nginx-alerts-", ".log");
        try {
            Files.write(file, lines, StandardCharsets.UTF_8);
            return runFile(rules, file, parallelism, 65536, thresholds);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    public static Result runFile(List<Rule> rules, Path file, int parallelism) throws Exception {
        return runFile(rules, file, parallelism, 65536);
    }

    /** As {@link #runFile(List, Path, int)}, with the parser's line limit chosen. */
    public static Result runFile(List<Rule> rules, Path file, int parallelism, int maxLineBytes)
            throws Exception {
        return runFile(rules, file, parallelism, maxLineBytes, ThresholdOperator.GROUPED);
    }

    private static Result runFile(
            List<Rule> rules,
            Path file,
            int parallelism,
            int maxLineBytes,
            ThresholdOperator thresholds)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration config = new Configuration();
        // Fail on any Kryo fallback: every type in the pipeline has a Flink serializer.
        config.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(config);
        env.setParallelism(parallelism);
        FileSource<ParsedRecord> source =
                FileSource.forRecordStreamFormat(
                                new LogFileFormat(
                                        new RecordParser(maxLineBytes, Duration.ofMinutes(5)),
                                        file.getFileName().toString()),
                                new org.apache.flink.core.fs.Path(file.toUri()))
                        .build();
        Pipeline.Streams streams =
                Pipeline.build(
                        env,
                        List.of(new Pipeline.Input("file-source", "test file", source)),
                        rules,
                        new EventTimeSettings(Duration.ofSeconds(5), Duration.ZERO, Duration.ZERO),
                        thresholds);
        CloseableIterator<Alert> alerts = streams.alerts().collectAsync();
        CloseableIterator<DeadLetter> dead = streams.deadLetters().collectAsync();
        CloseableIterator<AccessEvent> late = streams.late().collectAsync();
        JobClient job = env.executeAsync("test pipeline");
        // Each collect sink holds a bounded buffer: drained one after the other, a full one would
        // back-pressure the job while the test waits on another. So all three drain at once.
        CompletableFuture<List<Alert>> alertList = drainAsync(alerts);
        CompletableFuture<List<DeadLetter>> deadList = drainAsync(dead);
        CompletableFuture<List<AccessEvent>> lateList = drainAsync(late);
        job.getJobExecutionResult().get();
        return new Result(alertList.get(), deadList.get(), lateList.get());
    }

    private static <T> CompletableFuture<List<T>> drainAsync(CloseableIterator<T> it) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return drain(it);
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                },
                task -> {
                    Thread thread = new Thread(task, "pipeline-run-collect");
                    thread.setDaemon(true);
                    thread.start();
                });
    }

    private static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
        List<T> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
