package io.nginxalerts.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleException;
import io.nginxalerts.core.rules.RuleLoader;
import io.nginxalerts.core.time.Durations;
import io.nginxalerts.job.AlertJob;
import io.nginxalerts.job.JobSettings;
import io.nginxalerts.job.apply.FlinkRest;
import io.nginxalerts.job.apply.JobDescription;
import io.nginxalerts.job.apply.RulePlan;
import io.nginxalerts.job.apply.RuleSummary;
import io.nginxalerts.job.apply.RulesStore;
import io.nginxalerts.job.rules.ThresholdOperator;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code rules apply DIR --flink URL [--job ID] [--dry-run]}: changes the rules of a running job in
 * one step, through a savepoint, and leaves the old job (or the old rules again) running when
 * anything fails.
 *
 * <p>In order: validates DIR (problems as {@code file:line}, exit 1, nothing touched); finds the
 * job (the only RUNNING {@code nginx-alerts} job, or {@code --job}); reads what it runs from its
 * job parameters ({@link JobDescription}); prints the {@link RulePlan}; builds the new job locally
 * (a rule that cannot become a job fails here, nothing touched); keeps versioned copies of the old
 * and new rules in the rules store ({@link RulesStore}: {@code --store}, a directory the JobManager
 * reads too); uploads the job jar; stops the job with a savepoint, never draining (draining fires
 * every event-time timer: windows and suppressions would end early); runs the new rules from the
 * savepoint ({@code allowNonRestoredState} only when the plan drops a stateful operator) and waits
 * until every task runs and a checkpoint completes. If the new job does not get there, it is
 * cancelled and the old rules run again from the same savepoint. Exit 0 applied (or nothing to
 * apply), 1 not applied, 2 usage errors and jobs not found.
 */
public final class RulesApply {
    static final String USAGE =
            "usage: nginx-alerts rules apply DIR --flink http://host:8081 [--job ID] [--dry-run]"
                    + " [--store DIR] [--jar nginx-alerts-job.jar] [--savepoint-dir DIR]"
                    + " [--timeout 2m] [--ready-timeout 2m]";

    private static final Set<String> OPTIONS =
            Set.of(
                    "flink",
                    "job",
                    "dry-run",
                    "store",
                    "jar",
                    "savepoint-dir",
                    "timeout",
                    "ready-timeout");
    private static final Set<String> FAILED_STATES =
            Set.of("FAILED", "FAILING", "CANCELED", "CANCELLING", "FINISHED", "SUSPENDED");
    private static final Duration POLL = Duration.ofMillis(200);

    private final PrintStream out;
    private final PrintStream err;
    private final FlinkRest flink;
    private final Duration timeout;
    private final Duration readyTimeout;

    private RulesApply(
            PrintStream out,
            PrintStream err,
            FlinkRest flink,
            Duration timeout,
            Duration readyTimeout) {
        this.out = out;
        this.err = err;
        this.flink = flink;
        this.timeout = timeout;
        this.readyTimeout = readyTimeout;
    }

    /** A step that failed; the message says what happened and what is running now. */
    static final class NotApplied extends Exception {
        private static final long serialVersionUID = 1L;

        NotApplied(String message) {
            super(message);
        }
    }

    public static int main(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv);
        if (args.positional().size() != 1
                || args.one("flink") == null
                || !OPTIONS.containsAll(args.options().keySet())) {
            err.println(USAGE);
            return 2;
        }
        Path dir = Path.of(args.positional().get(0));
        if (!Files.isDirectory(dir)) {
            err.println("nginx-alerts rules apply: not a directory: " + dir);
            return 2;
        }
        RulesApply apply;
        try {
            Duration timeout = duration(args.one("timeout"));
            apply =
                    new RulesApply(
                            out,
                            err,
                            new FlinkRest(URI.create(args.one("flink"))),
                            timeout,
                            args.one("ready-timeout") == null
                                    ? timeout
                                    : duration(args.one("ready-timeout")));
        } catch (IllegalArgumentException e) {
            err.println("nginx-alerts rules apply: " + e.getMessage());
            return 2;
        }
        try {
            return apply.run(
                    dir,
                    args.one("job"),
                    args.one("dry-run") != null,
                    Path.of(args.one("store") != null ? args.one("store") : defaultStore()),
                    args.one("jar") != null ? Path.of(args.one("jar")) : ownJar(),
                    args.one("savepoint-dir"));
        } catch (NotApplied e) {
            err.println("nginx-alerts rules apply: not applied: " + e.getMessage());
            return 1;
        } catch (FlinkRest.Failure | IllegalArgumentException e) {
            err.println("nginx-alerts rules apply: " + e.getMessage());
            return 2;
        }
    }

    private static Duration duration(String text) {
        return text == null ? Duration.ofMinutes(2) : Durations.parse(text);
    }

    private int run(
            Path dir, String jobId, boolean dryRun, Path store, Path jar, String savepointDir)
            throws NotApplied {
        List<Rule> rules;
        try {
            rules = RuleLoader.loadDirectory(dir);
        } catch (RuleException e) {
            for (String problem : e.problems()) {
                out.println(problem);
            }
            throw new NotApplied(
                    dir + ": " + e.problems().size() + " problem(s); the running rules stay");
        }
        String job = jobId != null ? jobId : onlyRunningJob();
        JsonNode config = flink.get("jobs/" + job + "/config");
        Map<String, String> parameters = new HashMap<>();
        config.path("execution-config")
                .path("user-config")
                .fields()
                .forEachRemaining(e -> parameters.put(e.getKey(), e.getValue().asText()));
        JobDescription running = JobDescription.fromParameters(parameters);
        ThresholdOperator thresholds = running.thresholds();
        RulePlan plan = RulePlan.of(running.rules(), RuleSummary.of(rules, thresholds));
        out.printf(
                "job %s: %d rule(s) running, %d in %s%n",
                job, running.rules().size(), rules.size(), dir);
        out.print(plan.render());
        if (plan.isEmpty()) {
            out.println("nothing to apply: the job runs these rules");
            return 0;
        }
        if (dryRun) {
            out.println("dry run: nothing applied");
            return 0;
        }
        if (running.masked()) {
            throw new NotApplied(
                    "the job was started with a password in a URL, which it does not publish;"
                            + " start it with --redis.password-file to change its rules this way");
        }
        buildLocally(running, dir, rules);

        RulesStore versions = new RulesStore(store);
        String oldRules = oldRulesForRollback(running, versions);
        Path newRules = versions.keep(dir);
        List<String> newArgs = running.argsWithRules(newRules.toString());
        List<String> oldArgs = running.argsWithRules(oldRules);
        out.println("new rules: " + newRules);

        String jarId;
        try {
            jarId = flink.uploadJar(jar);
        } catch (FlinkRest.Failure | java.io.UncheckedIOException e) {
            throw new NotApplied(
                    "the cluster took no job jar ("
                            + e.getMessage()
                            + "); job "
                            + job
                            + " still runs the old rules");
        }

        long stopRequested = System.nanoTime();
        String savepoint = stopWithSavepoint(job, savepointDir);
        out.println("savepoint: " + savepoint);
        String next;
        try {
            next =
                    runAndAwait(
                            jarId, newArgs, savepoint, plan.allowNonRestoredState(), readyTimeout);
        } catch (NotApplied e) {
            String back;
            try {
                back = runAndAwait(jarId, oldArgs, savepoint, false, timeout);
            } catch (NotApplied rollback) {
                throw new NotApplied(
                        e.getMessage()
                                + "; and the old rules did not run again either: "
                                + rollback.getMessage()
                                + "; run them by hand from savepoint "
                                + savepoint);
            }
            throw new NotApplied(
                    e.getMessage()
                            + "; the old rules run again as job "
                            + back
                            + " from "
                            + savepoint);
        }
        double gap = secondsSince(stopRequested, runningAt);
        double checkpoint = secondsSince(stopRequested, checkpointAt);
        out.println("new job: " + next);
        out.printf(
                "not processing: %.1f s (stop requested -> every task of the new job running);"
                        + " first checkpoint %.1f s after the stop%n",
                gap, checkpoint);
        return 0;
    }

    private long runningAt;
    private long checkpointAt;

    private String onlyRunningJob() {
        List<String> running = new ArrayList<>();
        for (JsonNode job : flink.jobs()) {
            if ("RUNNING".equals(job.path("state").asText())
                    && AlertJob.JOB_NAME.equals(job.path("name").asText())) {
                running.add(job.path("jid").asText());
            }
        }
        if (running.size() != 1) {
            throw new IllegalArgumentException(
                    running.isEmpty()
                            ? "no RUNNING nginx-alerts job"
                            : "several RUNNING nginx-alerts jobs "
                                    + running
                                    + "; name one with --job");
        }
        return running.get(0);
    }

    /** Builds the new job's topology here, so a rule that cannot become a job touches nothing. */
    private static void buildLocally(JobDescription running, Path dir, List<Rule> rules)
            throws NotApplied {
        try {
            Args args = Args.parse(running.argsWithRules(dir.toString()).toArray(String[]::new));
            JobSettings settings = JobSettings.from(args.flat(Set.of()), Map.of(), true);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            AlertJob.build(env, settings, rules);
            env.getStreamGraph(false).getJobGraph();
        } catch (RuntimeException e) {
            throw new NotApplied("the new rules do not build a job: " + e.getMessage());
        }
    }

    /**
     * The rules directory to run again if the new rules fail: the job's own directory when it still
     * holds exactly the rules the job runs (kept in the store, as it may be edited next), none for
     * the rules bundled in the jar.
     */
    private static String oldRulesForRollback(JobDescription running, RulesStore store)
            throws NotApplied {
        if (running.rulesDir().isEmpty()) {
            return "";
        }
        Path dir = Path.of(running.rulesDir());
        if (store.holds(dir)) {
            return dir.toString();
        }
        List<RuleSummary> there;
        try {
            there = RuleSummary.of(RuleLoader.loadDirectory(dir), running.thresholds());
        } catch (RuleException | RuntimeException e) {
            there = List.of();
        }
        if (!there.equals(running.rules())) {
            throw new NotApplied(
                    "the job's rules directory "
                            + dir
                            + " no longer holds the rules it runs, and they are needed to roll"
                            + " back; put them back (or apply from another directory) first");
        }
        return store.keep(dir).toString();
    }

    private String stopWithSavepoint(String job, String savepointDir) throws NotApplied {
        ObjectNode body = FlinkRest.object().put("drain", false);
        if (savepointDir != null) {
            body.put("targetDirectory", savepointDir);
        }
        String trigger;
        try {
            trigger = flink.post("jobs/" + job + "/stop", body).path("request-id").asText();
        } catch (FlinkRest.Failure e) {
            throw new NotApplied("stop with savepoint refused: " + e.getMessage());
        }
        JsonNode status =
                poll(
                        () -> flink.get("jobs/" + job + "/savepoints/" + trigger),
                        s -> !"IN_PROGRESS".equals(s.path("status").path("id").asText()),
                        "the savepoint of job " + job);
        JsonNode operation = status.path("operation");
        if (!operation.hasNonNull("location")) {
            String state = flink.get("jobs/" + job).path("state").asText();
            throw new NotApplied(
                    "the savepoint failed ("
                            + firstLine(
                                    operation.path("failure-cause").path("stack-trace").asText())
                            + "); job "
                            + job
                            + " is "
                            + state);
        }
        poll(
                () -> flink.get("jobs/" + job),
                j -> !"RUNNING".equals(j.path("state").asText()),
                "job " + job + " to stop");
        return operation.path("location").asText();
    }

    /** Runs the jar from the savepoint; returns the job id once it runs and has checkpointed. */
    private String runAndAwait(
            String jarId,
            List<String> args,
            String savepoint,
            boolean allowNonRestored,
            Duration ready)
            throws NotApplied {
        ObjectNode body =
                FlinkRest.object()
                        .put("entryClass", AlertJob.class.getName())
                        .put("savepointPath", savepoint)
                        .put("allowNonRestoredState", allowNonRestored);
        args.forEach(body.putArray("programArgsList")::add);
        String job;
        try {
            job = flink.post("jars/" + jarId + "/run", body).path("jobid").asText();
        } catch (FlinkRest.Failure e) {
            throw new NotApplied("the cluster did not run the job: " + e.getMessage());
        }
        try {
            poll(
                    () -> flink.get("jobs/" + job),
                    j -> allTasksRunning(j) || FAILED_STATES.contains(j.path("state").asText()),
                    "job " + job + " to run",
                    ready);
            runningAt = System.nanoTime();
            requireAlive(job);
            poll(
                    () -> flink.get("jobs/" + job + "/checkpoints"),
                    c ->
                            c.path("counts").path("completed").asLong() > 0
                                    || FAILED_STATES.contains(
                                            flink.get("jobs/" + job).path("state").asText()),
                    "the first checkpoint of job " + job,
                    ready);
            checkpointAt = System.nanoTime();
            requireAlive(job);
            return job;
        } catch (NotApplied e) {
            cancel(job);
            throw e;
        }
    }

    private void requireAlive(String job) throws NotApplied {
        JsonNode state = flink.get("jobs/" + job);
        if (!"RUNNING".equals(state.path("state").asText())) {
            String cause =
                    firstLine(
                            flink.get("jobs/" + job + "/exceptions")
                                    .path("root-exception")
                                    .asText(""));
            throw new NotApplied(
                    "job " + job + " is " + state.path("state").asText() + ": " + cause);
        }
    }

    private void cancel(String job) {
        try {
            flink.patch("jobs/" + job + "?mode=cancel");
            poll(
                    () -> flink.get("jobs/" + job),
                    j ->
                            FAILED_STATES.contains(j.path("state").asText())
                                    && !j.path("state").asText().endsWith("ING"),
                    "job " + job + " to cancel");
        } catch (FlinkRest.Failure | NotApplied e) {
            err.println(
                    "nginx-alerts rules apply: could not cancel job "
                            + job
                            + ": "
                            + e.getMessage());
        }
    }

    private static boolean allTasksRunning(JsonNode job) {
        if (!"RUNNING".equals(job.path("state").asText()) || job.path("vertices").isEmpty()) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            if (!"RUNNING".equals(vertex.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    private JsonNode poll(
            java.util.function.Supplier<JsonNode> get, Predicate<JsonNode> done, String what)
            throws NotApplied {
        return poll(get, done, what, timeout);
    }

    private JsonNode poll(
            java.util.function.Supplier<JsonNode> get,
            Predicate<JsonNode> done,
            String what,
            Duration timeout)
            throws NotApplied {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode value = get.get();
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new NotApplied(
                        "timed out after " + Durations.format(timeout) + " waiting for " + what);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NotApplied("interrupted waiting for " + what);
            }
        }
    }

    private static double secondsSince(long start, long end) {
        return (end - start) / 1e9;
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static String defaultStore() {
        return Path.of(System.getProperty("user.home"), ".nginx-alerts", "rules").toString();
    }

    /** The jar this class was loaded from: the job jar, when run by the launcher. */
    private static Path ownJar() {
        try {
            Path own =
                    Path.of(
                            RulesApply.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            if (!Files.isRegularFile(own)) {
                throw new IllegalArgumentException("not run from the job jar: give --jar");
            }
            return own;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("cannot find the job jar: give --jar", e);
        }
    }
}
