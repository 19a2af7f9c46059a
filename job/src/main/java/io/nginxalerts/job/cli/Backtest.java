package io.nginxalerts.job.cli;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.parse.DeadLetter;
import io.nginxalerts.core.parse.RejectReason;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleException;
import io.nginxalerts.job.JobSettings;
import io.nginxalerts.job.Pipeline;
import io.nginxalerts.job.rules.RuleRecordCounts;
import io.nginxalerts.job.sink.DeadLetterJson;
import io.nginxalerts.job.sink.JsonLinesSink;
import io.nginxalerts.job.sink.StagedFile;
import io.nginxalerts.job.source.LogFileFormat;
import io.nginxalerts.job.source.ParsedRecord;
import io.nginxalerts.job.source.RecordParser;
import io.nginxalerts.job.time.EventTimeSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * {@code backtest}: runs the streaming pipeline (same parser, watermarks, CEP and suppression) over
 * log files in a local Flink, bounded: at the end of input event time jumps to the end, so every
 * pending match completes. Writes alerts as JSON lines and a per-rule summary on stderr.
 *
 * <p>{@code --output} and {@code --dead-letters} files are replaced, not appended to: they hold
 * exactly the lines of the last run that finished. A run that fails leaves them as they were (see
 * {@link StagedFile}); the alerts file is replaced before the dead-letters file, each atomically,
 * but not both in one step.
 *
 * <p>The one difference from the live job: the idle-source flush is off, because a bounded input
 * ends with a final watermark instead of going quiet.
 */
public final class Backtest {
    static final Set<String> OWN_OPTIONS =
            Set.of("input", "output", "dead-letters", "parallelism", "no-resolved");

    private Backtest() {}

    /** The outcome of a backtest run, for the summary and for tests. */
    public record Result(
            List<Rule> rules,
            Map<String, Object> counters,
            String output,
            long alertsWritten,
            long resolvedWritten,
            boolean resolvedIncluded) {
        public long counter(String name) {
            return number(counters.get(name));
        }
    }

    public static int main(String[] argv, PrintStream err) throws Exception {
        Args args = Args.parse(argv);
        List<String> inputs = args.all("input");
        if (inputs.isEmpty()) {
            err.println(
                    "usage: nginx-alerts backtest --rules DIR --input FILE [--input FILE ...]"
                            + " [--output alerts.jsonl] [--dead-letters dead.jsonl]"
                            + " [--parallelism N] [--no-resolved]"
                            + " [--events.max-out-of-orderness 5s ...]");
            return 2;
        }
        Result result;
        try {
            JobSettings settings = JobSettings.from(args.flat(OWN_OPTIONS), false);
            for (String input : inputs) {
                if (!Files.isReadable(Path.of(input))) {
                    throw new IllegalArgumentException(
                            "--input " + input + ": no such readable file");
                }
            }
            String parallelism = args.one("parallelism");
            result =
                    run(
                            settings,
                            settings.loadRules(),
                            inputs,
                            args.one("output"),
                            args.one("dead-letters"),
                            parallelism == null ? 1 : parsePositive("parallelism", parallelism),
                            !noResolved(args),
                            err);
        } catch (IllegalArgumentException e) {
            err.println("nginx-alerts backtest: " + e.getMessage());
            return 2;
        } catch (RuleException e) {
            err.println(e.getMessage());
            return 2;
        }
        printSummary(result, inputs, err);
        return 0;
    }

    /**
     * As {@link #run(JobSettings, List, List, String, String, int, boolean, PrintStream)}, resolved
     * records included.
     */
    public static Result run(
            JobSettings settings,
            List<Rule> rules,
            List<String> inputs,
            String output,
            String deadLetters,
            int parallelism,
            PrintStream progress)
            throws Exception {
        return run(settings, rules, inputs, output, deadLetters, parallelism, true, progress);
    }

    /** {@code --no-resolved}, with no value or {@code true}/{@code false}. */
    static boolean noResolved(Args args) {
        String value = args.one("no-resolved");
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw new IllegalArgumentException("--no-resolved takes no value, found " + value);
    }

    /**
     * Runs the rules over the inputs.
     *
     * @param resolved whether resolved records are written (firing records always are)
     */
    public static Result run(
            JobSettings settings,
            List<Rule> rules,
            List<String> inputs,
            String output,
            String deadLetters,
            int parallelism,
            boolean resolved,
            PrintStream progress)
            throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism);
        RecordParser parser =
                new RecordParser(
                        settings.maxLineBytes(), settings.maxFutureSkew(), settings.logFormat());
        List<Pipeline.Input> sources = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            String input = inputs.get(i);
            FileSource<ParsedRecord> source =
                    FileSource.forRecordStreamFormat(
                                    new LogFileFormat(
                                            parser, Path.of(input).getFileName().toString()),
                                    new org.apache.flink.core.fs.Path(
                                            Path.of(input).toAbsolutePath().toUri()))
                            .build();
            sources.add(new Pipeline.Input("file-source-" + i, "File " + input, source));
        }
        EventTimeSettings time =
                new EventTimeSettings(
                        settings.time().maxOutOfOrderness(),
                        settings.time().partitionIdleness(),
                        Duration.ZERO);
        Pipeline.Streams built =
                Pipeline.build(env, sources, rules, time, settings.thresholdOperator());
        Pipeline.Streams streams =
                resolved
                        ? built
                        : new Pipeline.Streams(
                                built.alerts()
                                        .filter(new FiringOnly())
                                        .uid("backtest-no-resolved")
                                        .name("Backtest: no resolved records"),
                                built.deadLetters(),
                                built.late());
        // "-" (or no option for alerts) is stdout, as for most command line tools.
        boolean alertsToStdout = output == null || output.equals("-");
        boolean deadToStdout = "-".equals(deadLetters);
        if (!alertsToStdout
                && deadLetters != null
                && !deadToStdout
                && Path.of(output)
                        .toAbsolutePath()
                        .normalize()
                        .equals(Path.of(deadLetters).toAbsolutePath().normalize())) {
            // Each is replaced as a whole, so one would silently overwrite the other.
            throw new IllegalArgumentException(
                    "--output and --dead-letters must be different files, both are " + output);
        }
        try (StagedFile alertFile = alertsToStdout ? null : StagedFile.of(Path.of(output));
                StagedFile deadLetterFile =
                        deadLetters == null || deadToStdout
                                ? null
                                : StagedFile.of(Path.of(deadLetters))) {
            // One writer per output: the lines keep the order they reached the sink in, and
            // stdout gets no interleaving. (A staged file would take more writers too.)
            Pipeline.sinkAlerts(
                            streams,
                            new Pipeline.Output<>(
                                    alertsToStdout
                                            ? JsonLinesSink.toStdout(AlertCodec::encode)
                                            : JsonLinesSink.toParts(alertFile, AlertCodec::encode),
                                    alertsToStdout ? "stdout" : output))
                    .setParallelism(1);
            Sink<DeadLetter> deadSink =
                    deadLetters == null
                            ? new DiscardingSink<>()
                            : deadToStdout
                                    ? JsonLinesSink.toStdout(DeadLetterJson::encode)
                                    : JsonLinesSink.toParts(deadLetterFile, DeadLetterJson::encode);
            Pipeline.sinkDeadLetters(
                            streams,
                            new Pipeline.Output<>(
                                    deadSink,
                                    deadLetters == null
                                            ? "counted only"
                                            : deadToStdout ? "stdout" : deadLetters))
                    .setParallelism(1);
            Map<String, Object> counters = execute(env, rules, progress);
            // Only a run that finished replaces the files; a failed one threw above, and closing
            // the staged files deletes its parts and leaves the old outputs as they were.
            if (alertFile != null) {
                alertFile.commit();
            }
            if (deadLetterFile != null) {
                deadLetterFile.commit();
            }
            return new Result(
                    rules,
                    counters,
                    alertsToStdout ? null : output,
                    alerts(rules, counters),
                    resolved ? resolvedWritten(rules, counters) : 0,
                    resolved);
        }
    }

    private static Map<String, Object> execute(
            StreamExecutionEnvironment env, List<Rule> rules, PrintStream progress)
            throws Exception {
        JobClient job = env.executeAsync("nginx-alerts backtest");
        CompletableFuture<JobExecutionResult> done = job.getJobExecutionResult();
        // A large log takes a while: say how far it got every few seconds.
        while (true) {
            try {
                return done.get(PROGRESS_EVERY.toSeconds(), TimeUnit.SECONDS)
                        .getAllAccumulatorResults();
            } catch (TimeoutException stillRunning) {
                Map<String, Object> counters = job.getAccumulators().get();
                progress.printf(
                        "backtest: %,d records read, %,d alerts so far%n",
                        recordsRead(counters), alerts(rules, counters));
            }
        }
    }

    static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    /** The resolved records the rules gave, less those the end of input left undecided. */
    static long resolvedWritten(List<Rule> rules, Map<String, Object> counters) {
        long n = 0;
        for (Rule rule : rules) {
            n += resolved(rule, counters);
        }
        return n;
    }

    /** A rule's resolved records, less those the end of input left undecided. */
    static long resolved(Rule rule, Map<String, Object> counters) {
        return RuleRecordCounts.resolved(counters, rule.id());
    }

    /** A rule's firing records, less those (of absence rules) the end of input left undecided. */
    static long firing(Rule rule, Map<String, Object> counters) {
        return RuleRecordCounts.firing(counters, rule.id());
    }

    /** Lets firing (and update) records through, not resolved ones. */
    private static final class FiringOnly implements FilterFunction<Alert> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(Alert alert) {
            return !alert.resolved();
        }
    }

    static long alerts(List<Rule> rules, Map<String, Object> counters) {
        long alerts = 0;
        for (Rule rule : rules) {
            alerts += firing(rule, counters);
        }
        return alerts;
    }

    static long recordsRead(Map<String, Object> counters) {
        long n = number(counters.get("events")) + number(counters.get("late"));
        for (RejectReason reason : RejectReason.values()) {
            n += number(counters.get("rejected." + reason.code()));
        }
        return n;
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0L;
    }

    static void printSummary(Result result, List<String> inputs, PrintStream err) {
        long events = result.counter("events");
        long late = result.counter("late");
        long rejected = 0;
        StringBuilder reasons = new StringBuilder();
        for (RejectReason reason : RejectReason.values()) {
            long n = result.counter("rejected." + reason.code());
            if (n > 0) {
                rejected += n;
                reasons.append(reasons.length() == 0 ? "" : ", ")
                        .append(reason.code())
                        .append(' ')
                        .append(n);
            }
        }
        err.printf(
                "backtest: %d records read from %d file(s): %d events, %d rejected%s, %d late%n",
                recordsRead(result.counters()),
                inputs.size(),
                events,
                rejected,
                reasons.length() == 0 ? "" : " (" + reasons + ")",
                late);
        err.printf(
                "%-32s %8s %8s %10s %8s%n", "rule", "matches", "alerts", "suppressed", "resolved");
        for (Rule rule : result.rules()) {
            err.printf(
                    "%-32s %8d %8d %10d %8s%n",
                    rule.id(),
                    RuleRecordCounts.counter(result.counters(), rule.id(), "matches"),
                    firing(rule, result.counters()),
                    RuleRecordCounts.counter(result.counters(), rule.id(), "suppressed"),
                    // With --no-resolved none are written: a count would read as written ones.
                    result.resolvedIncluded() ? resolved(rule, result.counters()) : "-");
        }
        String to = result.output() == null ? "stdout" : result.output();
        if (result.resolvedIncluded()) {
            err.printf(
                    "backtest: %d alert(s) and %d resolved record(s) written to %s%n",
                    result.alertsWritten(), result.resolvedWritten(), to);
        } else {
            err.printf(
                    "backtest: %d alert(s) written to %s (resolved records left out:"
                            + " --no-resolved)%n",
                    result.alertsWritten(), to);
        }
    }

    static int parsePositive(String key, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(
                "--" + key + " must be a positive integer, was " + value);
    }
}
