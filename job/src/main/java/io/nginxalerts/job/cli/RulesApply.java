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
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * {@code rules apply DIR --flink URL [--job ID] [--dry-run]}: changes the rules of a running job in
 * one step, through a savepoint, and leaves the old job (or the old rules again) running when
 * anything fails.
 *
 * <p>In order: validates DIR (problems as {@code file:line}, exit 1, nothing touched); finds the
 * job (the only RUNNING {@code nginx-alerts} job, or {@code --job}); reads what it runs from its
 * job parameters ({@link JobDescription}); prints the {@link RulePlan}; keeps versioned copies of
 * the old and new rules ({@link RulesStore}, {@code --store}); builds both job graphs here, as
 * {@code flink run} would (a rule that cannot become a job fails now, nothing touched); stops the
 * job with a savepoint, never draining (draining fires every event-time timer: windows and
 * suppressions would end early); submits the new graph from the savepoint ({@code
 * allowNonRestoredState} only when the plan drops a stateful operator) and waits until every task
 * runs and a checkpoint completes. If the new job does not get there, it is cancelled and the old
 * rules run again from the same savepoint. Exit 0 applied (or nothing to apply), 1 not applied, 2
 * usage errors and jobs not found.
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
        RulesStore versions = new RulesStore(store);
        String oldRules = oldRulesForRollback(running, versions);
        Path newRules = versions.keep(dir);
        out.println("new rules: " + newRules);
        requireJobJar(jar, job);

        // Both jobs are built here, before the running one is touched, as `flink run` builds
        // them: with the cluster's configuration (checkpointing, state backend) and the job's
        // parallelism. A rule that cannot become a job fails now; the rules travel inside the
        // job graph, so the cluster never reads the rule files.
        Configuration cluster = clusterConfiguration();
        int parallelism = parallelism(job);
        JobGraph next =
                jobGraph(
                        running,
                        newRules.toString(),
                        cluster,
                        parallelism,
                        jar,
                        "the new rules",
                        job);
        JobGraph back =
                jobGraph(
                        running,
                        oldRules,
                        cluster,
                        parallelism,
                        jar,
                        "the old rules (needed to roll back)",
                        job);

        long stopRequested = System.nanoTime();
        String savepoint = stopWithSavepoint(job, savepointDir);
        out.println("savepoint: " + savepoint);
        String nextId;
        try {
            nextId =
                    runAndAwait(
                            cluster, next, savepoint, plan.allowNonRestoredState(), readyTimeout);
        } catch (NotApplied e) {
            String backId;
            try {
                backId = runAndAwait(cluster, back, savepoint, false, timeout);
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
                            + backId
                            + " from "
                            + savepoint);
        }
        double gap = secondsSince(stopRequested, runningAt);
        double checkpoint = secondsSince(stopRequested, checkpointAt);
        out.println("new job: " + nextId);
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

    /** The job jar must hold the job: a jar the cluster could not run stops nothing. */
    private static void requireJobJar(Path jar, String job) throws NotApplied {
        try (JarFile file = new JarFile(jar.toFile())) {
            if (file.getEntry(AlertJob.class.getName().replace('.', '/') + ".class") == null) {
                throw new NotApplied(
                        jar
                                + " is not the nginx-alerts job jar; job "
                                + job
                                + " still runs the old rules");
            }
        } catch (IOException e) {
            throw new NotApplied(
                    "cannot read the job jar "
                            + jar
                            + " ("
                            + e.getMessage()
                            + "); job "
                            + job
                            + " still runs the old rules");
        }
    }

    /**
     * The JobManager's configuration, as `flink run` on the cluster's config.yaml would read it.
     */
    private Configuration clusterConfiguration() {
        Map<String, String> entries = new HashMap<>();
        for (JsonNode entry : flink.get("jobmanager/config")) {
            entries.put(entry.path("key").asText(), entry.path("value").asText());
        }
        Configuration conf = Configuration.fromMap(entries);
        conf.set(RestOptions.ADDRESS, flink.uri().getHost());
        conf.set(RestOptions.PORT, flink.uri().getPort() < 0 ? 80 : flink.uri().getPort());
        return conf;
    }

    /** The running job's parallelism (its widest operator), so keyed state maps back as it was. */
    private int parallelism(String job) {
        int parallelism = 1;
        for (JsonNode vertex : flink.get("jobs/" + job).path("vertices")) {
            parallelism = Math.max(parallelism, vertex.path("parallelism").asInt(1));
        }
        return parallelism;
    }

    private static JobGraph jobGraph(
            JobDescription running,
            String rulesDir,
            Configuration cluster,
            int parallelism,
            Path jar,
            String what,
            String job)
            throws NotApplied {
        try {
            Map<String, String> options =
                    Args.parse(running.argsWithRules(rulesDir).toArray(String[]::new))
                            .flat(Set.of());
            JobSettings settings = JobSettings.from(options, System.getenv(), true);
            List<Rule> rules = settings.loadRules();
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(new Configuration(cluster));
            env.setParallelism(parallelism);
            env.getConfig()
                    .setGlobalJobParameters(
                            JobDescription.of(options, settings, rules).toParameters());
            AlertJob.build(env, settings, rules);
            StreamGraph graph = env.getStreamGraph();
            graph.setJobName(AlertJob.JOB_NAME);
            JobGraph jobGraph = graph.getJobGraph();
            jobGraph.addJar(new org.apache.flink.core.fs.Path(jar.toAbsolutePath().toUri()));
            return jobGraph;
        } catch (RuntimeException | RuleException e) {
            throw new NotApplied(
                    what
                            + " do not build a job ("
                            + e.getMessage()
                            + "); job "
                            + job
                            + " still runs the old rules");
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
            // Edited in place (the compose stack mounts one rules directory): a copy of the
            // running rules in the store serves as well.
            for (Path copy : store.copies()) {
                try {
                    if (RuleSummary.of(RuleLoader.loadDirectory(copy), running.thresholds())
                            .equals(running.rules())) {
                        return copy.toString();
                    }
                } catch (RuleException | RuntimeException e) {
                    // not this one
                }
            }
            throw new NotApplied(
                    "the job's rules directory "
                            + dir
                            + " no longer holds the rules it runs, nor does any copy in "
                            + store.root()
                            + ", and they are needed to roll back; put them back (or apply from"
                            + " another directory) first");
        }
        return store.keep(dir).toString();
    }

    private void checkOnCluster(String jarId, List<String> args, String what, String job)
            throws NotApplied {
        ObjectNode body = FlinkRest.object().put("entryClass", AlertJob.class.getName());
        args.forEach(body.putArray("programArgsList")::add);
        try {
            flink.post("jars/" + jarId + "/plan", body);
        } catch (FlinkRest.Failure e) {
            throw new NotApplied(
                    "the cluster cannot build a job with "
                            + what
                            + " ("
                            + e.getMessage()
                            + "); job "
                            + job
                            + " still runs the old rules");
        }
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

    /** Submits the job from the savepoint; returns its id once it runs and has checkpointed. */
    private String runAndAwait(
            Configuration cluster,
            JobGraph graph,
            String savepoint,
            boolean allowNonRestored,
            Duration ready)
            throws NotApplied {
        graph.setSavepointRestoreSettings(
                SavepointRestoreSettings.forPath(savepoint, allowNonRestored));
        String job;
        try (RestClusterClient<StandaloneClusterId> client =
                new RestClusterClient<>(cluster, StandaloneClusterId.getInstance())) {
            job = client.submitJob(graph).get(timeout.toMillis(), TimeUnit.MILLISECONDS).toString();
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new NotApplied(
                    "the cluster did not take the job: "
                            + firstLine(String.valueOf(root.getMessage())));
        }
        try {
            poll(
                    () -> flink.get("jobs/" + job),
                    j ->
                            FlinkRest.allTasksRunning(j)
                                    || FAILED_STATES.contains(j.path("state").asText()),
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
