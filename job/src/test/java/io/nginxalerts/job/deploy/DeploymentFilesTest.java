package io.nginxalerts.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.nginxalerts.job.JobOptions;
import io.nginxalerts.job.JobSettings;
import io.nginxalerts.job.cli.Args;
import io.nginxalerts.job.testing.LocalNginx;
import io.nginxalerts.traffic.LineFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the deployment files against each other and against the job, without Docker: the compose
 * file, flink-conf/config.yaml, nginx/nginx.conf and the Logstash pipeline must agree on service
 * names, ports, topics, lists, paths and volumes, and use the job's own option names. A rename on
 * one side (a topic, a flag, a port) fails here instead of as a demo that silently shows no alerts.
 *
 * <p>Runs from the job module, so the repository root is {@code ..}. The nginx check needs {@code
 * /usr/sbin/nginx} (installed by {@code ./nginx-alerts test}).
 */
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** Build outputs the compose file mounts, as documented in README.md and worker/README.md. */
    private static final Map<String, Path> BUILD_OUTPUTS =
            Map.of(
                    "job/target/nginx-alerts-job.jar", Path.of("README.md"),
                    "worker/target/nginx-alerts-worker.jar", Path.of("worker/README.md"));

    /** Services that others wait for, or that a person checks first when the demo is stuck. */
    private static final List<String> HEALTH_CHECKED =
            List.of("nginx", "kafka", "redis", "jobmanager", "zookeeper");

    private static final Pattern LOG_FORMAT =
            Pattern.compile("log_format\\s+(\\S+)\\s+escape=json\\s+((?:'[^']*'\\s*)+);");

    // ---------------------------------------------------------------------------------------
    // docker-compose.yml

    @Test
    void pinsEveryImageTag() {
        Map<String, String> images = new TreeMap<>();
        services().forEach((name, service) -> images.put(name, service.path("image").asText()));

        assertThat(images).isNotEmpty();
        images.forEach(
                (service, image) -> {
                    int slash = image.lastIndexOf('/');
                    int colon = image.lastIndexOf(':');
                    String tag = colon > slash ? image.substring(colon + 1) : "";
                    assertThat(tag)
                            .as(
                                    "service %s: image '%s' must pin a version tag (at least"
                                            + " major.minor), not latest or no tag",
                                    service, image)
                            .matches("v?\\d+\\.\\d+[\\w.-]*");
                });
    }

    @Test
    void bindMountsOnlyRepositoryFilesAndTheDocumentedJars() throws IOException {
        Set<String> declaredVolumes = fieldNames(compose().path("volumes"));
        for (Map.Entry<String, JsonNode> service : services().entrySet()) {
            for (Mount mount : mounts(service.getValue())) {
                String where = "service " + service.getKey() + ": " + mount;
                if (!mount.bind()) {
                    assertThat(declaredVolumes)
                            .as("%s: named volume declared under volumes:", where)
                            .contains(mount.source());
                    continue;
                }
                String relative = repoRelative(mount.source());
                if (relative.contains("/target/")) {
                    assertThat(BUILD_OUTPUTS)
                            .as("%s: only the documented jars are mounted from a build", where)
                            .containsKey(relative);
                    assertThat(read(BUILD_OUTPUTS.get(relative)))
                            .as("%s is documented in %s", relative, BUILD_OUTPUTS.get(relative))
                            .contains(relative);
                    assertThat(mount.createHostPath())
                            .as(
                                    "%s: create_host_path: false, so `up` before `mvn package`"
                                            + " fails instead of creating a directory",
                                    where)
                            .isFalse();
                } else {
                    assertThat(ROOT.resolve(relative)).as("%s: exists in the repo", where).exists();
                }
            }
        }
    }

    @Test
    void healthChecksEveryServiceThatOthersWaitFor() {
        Map<String, JsonNode> services = services();
        for (String name : HEALTH_CHECKED) {
            assertThat(services).as("compose service %s", name).containsKey(name);
            assertThat(services.get(name).path("healthcheck").path("test").isMissingNode())
                    .as("service %s has a healthcheck", name)
                    .isFalse();
        }
        for (Map.Entry<String, JsonNode> service : services.entrySet()) {
            for (Map.Entry<String, JsonNode> dep :
                    service.getValue().path("depends_on").properties()) {
                String waiter = service.getKey();
                String target = dep.getKey();
                String condition = dep.getValue().path("condition").asText();
                assertThat(services).as("%s depends on %s", waiter, target).containsKey(target);
                if (condition.equals("service_healthy")) {
                    assertThat(services.get(target).has("healthcheck"))
                            .as(
                                    "%s waits for %s to be healthy: it has a healthcheck",
                                    waiter, target)
                            .isTrue();
                } else if (condition.equals("service_completed_successfully")) {
                    assertThat(services.get(target).path("restart").asText("no"))
                            .as("%s waits for %s to complete: it is a one-shot", waiter, target)
                            .isEqualTo("no");
                }
            }
        }
    }

    @Test
    void clientSubmitsTheJobWithArgumentsTheJobAccepts() throws Exception {
        JobSettings settings = clientJobSettings();

        assertThat(settings.kafkaBootstrapServers().split(","))
                .allSatisfy(DeploymentFilesTest::assertIsKafkaListener);
        assertThat(services()).containsKey(settings.redis().host());
        assertThat(settings.redis().port()).isEqualTo(6379);
        assertThat(services().get(settings.redis().host()).path("image").asText())
                .startsWith("redis:");
        assertThat(settings.rulesDir()).as("--rules is the repo's rules/").isNotNull();
        assertThat(settings.rulesDir().toRealPath()).isEqualTo(ROOT.resolve("rules").toRealPath());
        assertThat(settings.loadRules()).as("the mounted rules load").isNotEmpty();
    }

    @Test
    void logstashShipsTheNginxLogToTheTopicTheJobReads() throws IOException {
        String pipeline = withoutComments(read(Path.of("logstash/pipeline/nginx.conf")));
        String nginx = withoutComments(read(Path.of("nginx/nginx.conf")));
        JobSettings settings = clientJobSettings();

        assertThat(setting(pipeline, "topic_id"))
                .isEqualTo(JobOptions.KAFKA_TOPIC.defaultValue())
                .isEqualTo(settings.kafkaTopic());
        assertThat(setting(pipeline, "bootstrap_servers"))
                .isEqualTo(settings.kafkaBootstrapServers());
        assertThat(setting(pipeline, "message_key"))
                .as("one client stays on one partition")
                .isEqualTo("%{clientip}");
        assertThat(pipeline)
                .containsPattern(
                        "useragent\\s*\\{[^}]*source\\s*=>\\s*\"agent\"[^}]*target\\s*=>\\s*\"user_agent\"")
                .containsPattern(
                        "geoip\\s*\\{[^}]*source\\s*=>\\s*\"clientip\"[^}]*target\\s*=>\\s*\"geoip\"")
                .containsPattern("codec\\s*=>\\s*json");

        // Logstash reads the file nginx writes, through one volume mounted at the same place.
        Matcher accessLog = Pattern.compile("access_log\\s+(\\S+)\\s+(\\S+);").matcher(nginx);
        assertThat(accessLog.find()).as("nginx.conf has an access_log").isTrue();
        String logFile = accessLog.group(1);
        assertThat(setting(pipeline, "path")).isEqualTo(logFile);
        String logDir = logFile.substring(0, logFile.lastIndexOf('/'));
        Mount written = mountAt("nginx", logDir);
        Mount read = mountAt("logstash", logDir);
        assertThat(written.bind()).as("nginx logs onto a named volume").isFalse();
        assertThat(read.source()).isEqualTo(written.source());
    }

    @Test
    void kafkaInitCreatesTheTopicsAndNothingElseDoes() {
        JobSettings settings = clientJobSettings();
        String init = String.join("\n", words(services().get("kafka-init").path("command")));

        assertThat(init)
                .containsPattern("--topic\\s+" + Pattern.quote(settings.kafkaTopic()) + "\\s")
                .containsPattern("--topic\\s+" + Pattern.quote(settings.dlqTopic()) + "\\s");
        assertThat(settings.dlqTopic()).isEqualTo(JobOptions.DLQ_TOPIC.defaultValue());
        assertThat(env("kafka").get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")).isEqualTo("false");
    }

    @Test
    void workerDrainsTheListTheJobPushesTo() throws IOException {
        JobSettings settings = clientJobSettings();
        Map<String, String> flags = flags(words(services().get("worker").path("command")));

        assertThat(flags.getOrDefault("--redis.list", "nginx:alerts"))
                .isEqualTo(settings.redisList())
                .isEqualTo(JobOptions.REDIS_LIST.defaultValue());
        URI redis = URI.create(flags.get("--redis.url"));
        assertThat(redis.getHost()).isEqualTo(settings.redis().host());
        assertThat(redis.getPort()).isEqualTo(settings.redis().port());

        String workerDocs = read(Path.of("worker/README.md"));
        assertThat(flags.keySet())
                .allSatisfy(
                        flag ->
                                assertThat(workerDocs)
                                        .as("worker flag %s is documented", flag)
                                        .contains("| `" + flag + "`"));
    }

    @Test
    void trafficTargetsTheNginxService() {
        URI target = URI.create(env("traffic").get("TARGET"));
        assertThat(services()).containsKey(target.getHost());
        assertThat(target.getPort() == -1 ? 80 : target.getPort())
                .isEqualTo(LocalNginx.shippedFrontPort(readUnchecked("nginx/nginx.conf")));
    }

    @Test
    void flinkServicesShareTheConfigAndAgreeOnAddresses() {
        Configuration conf = flinkConfig();
        Map<String, JsonNode> services = services();

        int restPort = conf.get(RestOptions.PORT);
        JsonNode jobmanager = services.get("jobmanager");
        assertThat(containerPorts(jobmanager)).contains(restPort);
        assertThat(words(jobmanager.path("healthcheck").path("test")))
                .anySatisfy(word -> assertThat(word).contains(":" + restPort + "/overview"));

        assertThat(conf.get(JobManagerOptions.ADDRESS)).isEqualTo("jobmanager");
        assertThat(conf.get(RestOptions.ADDRESS)).isEqualTo("jobmanager");
        for (String name : List.of("jobmanager", "taskmanager", "client")) {
            assertThat(env(name).get("JOB_MANAGER_RPC_ADDRESS")).isEqualTo("jobmanager");
            assertThat(mounts(services.get(name)))
                    .as("%s gets flink-conf/config.yaml", name)
                    .anySatisfy(
                            m ->
                                    assertThat(repoRelative(m.source()))
                                            .isEqualTo("flink-conf/config.yaml"));
        }

        String[] quorum = conf.get(HighAvailabilityOptions.HA_ZOOKEEPER_QUORUM).split(":");
        assertThat(services).containsKey(quorum[0]);
        assertThat(services.get(quorum[0]).path("image").asText()).startsWith("zookeeper:");
        assertThat(quorum[1]).isEqualTo(env(quorum[0]).getOrDefault("ZOO_PORT", "2181"));

        // Checkpoints, savepoints and HA storage on one volume that both Flink processes see.
        for (String dir :
                List.of(
                        conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY),
                        conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY),
                        conf.get(HighAvailabilityOptions.HA_STORAGE_PATH))) {
            String path = URI.create(dir).getPath();
            Mount jm = mountAt("jobmanager", path);
            Mount tm = mountAt("taskmanager", path);
            assertThat(jm.bind()).as("%s is on a named volume", dir).isFalse();
            assertThat(tm.source()).as("%s is shared", dir).isEqualTo(jm.source());
        }
    }

    // ---------------------------------------------------------------------------------------
    // flink-conf/config.yaml

    @Test
    void flinkConfigEnablesCheckpointsRocksDbHighAvailabilityAndRestarts() throws IOException {
        JsonNode yaml = new YAMLMapper().readTree(ROOT.resolve("flink-conf/config.yaml").toFile());
        assertThat(yaml.isObject()).as("config.yaml is a YAML map").isTrue();
        Configuration conf = flinkConfig();

        assertThat(conf.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .hasValueSatisfying(interval -> assertThat(interval).isPositive());
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
                .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isNotBlank();
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isNotBlank();
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isIn("rocksdb", "forst");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(HighAvailabilityOptions.HA_MODE)).isEqualToIgnoringCase("zookeeper");
        assertThat(conf.get(HighAvailabilityOptions.HA_STORAGE_PATH)).isNotBlank();
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isNotBlank();
        assertThat(conf.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(2);
        assertThat(conf.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(2);
        assertThat(conf.getOptional(PipelineOptions.GENERIC_TYPES))
                .as("pipeline.generic-types is not set cluster-wide")
                .isEmpty();
    }

    @Test
    void flinkConfigUsesOnlyCurrentFlinkKeys() {
        Set<String> current = new TreeSet<>();
        Map<String, String> deprecated = new HashMap<>();
        for (Class<?> options :
                List.of(
                        CheckpointingOptions.class,
                        StateBackendOptions.class,
                        StateRecoveryOptions.class,
                        HighAvailabilityOptions.class,
                        RestOptions.class,
                        WebOptions.class,
                        RestartStrategyOptions.class,
                        JobManagerOptions.class,
                        TaskManagerOptions.class,
                        CoreOptions.class,
                        PipelineOptions.class)) {
            for (Field field : options.getFields()) {
                if (!Modifier.isStatic(field.getModifiers())
                        || !ConfigOption.class.isAssignableFrom(field.getType())) {
                    continue;
                }
                ConfigOption<?> option;
                try {
                    option = (ConfigOption<?>) field.get(null);
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
                if (field.isAnnotationPresent(Deprecated.class)) {
                    deprecated.put(option.key(), "(deprecated, see the Flink 2.2 docs)");
                } else {
                    current.add(option.key());
                }
                for (FallbackKey fallback : option.fallbackKeys()) {
                    if (fallback.isDeprecated()) {
                        deprecated.putIfAbsent(fallback.getKey(), option.key());
                    }
                }
            }
        }

        Set<String> keys = new TreeSet<>(flinkConfig().toMap().keySet());
        Map<String, String> replaced = new TreeMap<>();
        keys.stream()
                .filter(deprecated::containsKey)
                .forEach(k -> replaced.put(k, deprecated.get(k)));
        assertThat(replaced).as("deprecated keys in config.yaml (key=its replacement)").isEmpty();
        assertThat(keys).as("every key in config.yaml is a Flink 2.2 option").isSubsetOf(current);
    }

    // ---------------------------------------------------------------------------------------
    // nginx

    @Test
    void nginxLogsEveryFieldTheParserReadsAsJson() throws IOException {
        String nginx = withoutComments(read(Path.of("nginx/nginx.conf")));
        Matcher format = LOG_FORMAT.matcher(nginx);
        assertThat(format.find()).as("a log_format with escape=json").isTrue();
        String json = concatenated(format.group(2));

        // The fields the traffic generator writes, which are those the job's parser reads.
        assertThat(LineFormat.NGINX_JSON_FIELDS)
                .allSatisfy(field -> assertThat(json).contains("\"" + field + "\":"));
        assertThat(nginx)
                .as("the access log uses that format")
                .containsPattern("access_log\\s+\\S+\\s+" + Pattern.quote(format.group(1)) + ";");
    }

    @Test
    void nginxLogFormatIsTheOneTheReadmeDocuments() throws IOException {
        Matcher shipped = LOG_FORMAT.matcher(withoutComments(read(Path.of("nginx/nginx.conf"))));
        Matcher documented = LOG_FORMAT.matcher(read(Path.of("README.md")));
        assertThat(shipped.find()).isTrue();
        assertThat(documented.find()).as("README.md shows a log_format").isTrue();

        assertThat(concatenated(shipped.group(2))).isEqualTo(concatenated(documented.group(2)));
    }

    @Test
    void nginxAcceptsTheShippedConfig(@TempDir Path tmp) throws Exception {
        assertThat(Files.isExecutable(LocalNginx.BINARY)).as(LocalNginx.missingMessage()).isTrue();
        String original = read(Path.of("nginx/nginx.conf"));
        assertThat(Pattern.compile("(?m)^\\s*include\\s+/").matcher(original).find())
                .as("includes are relative to the config, so they work outside the image")
                .isFalse();
        LocalNginx.Result result = LocalNginx.prepare(ROOT.resolve("nginx"), tmp).test();
        assertThat(result.exitCode()).as("nginx -t says:%n%s", result.output()).isZero();
    }

    // ---------------------------------------------------------------------------------------
    // helpers

    private record Mount(String source, String target, boolean bind, boolean createHostPath) {}

    private static JsonNode compose() {
        try {
            return new YAMLMapper().readTree(ROOT.resolve("docker-compose.yml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, JsonNode> services() {
        Map<String, JsonNode> services = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> service : compose().path("services").properties()) {
            services.put(service.getKey(), service.getValue());
        }
        return services;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The service's environment, from either the map or the KEY=value list form. */
    private static Map<String, String> env(String service) {
        JsonNode environment = services().get(service).path("environment");
        Map<String, String> env = new HashMap<>();
        if (environment.isArray()) {
            environment.forEach(
                    e -> {
                        String[] kv = e.asText().split("=", 2);
                        env.put(kv[0], kv.length > 1 ? kv[1] : "");
                    });
        } else {
            for (Map.Entry<String, JsonNode> e : environment.properties()) {
                env.put(e.getKey(), e.getValue().asText());
            }
        }
        return env;
    }

    private static List<Mount> mounts(JsonNode service) {
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode volume : service.path("volumes")) {
            if (volume.isTextual()) {
                String[] parts = volume.asText().split(":");
                String source = parts[0];
                boolean bind = source.startsWith(".") || source.startsWith("/");
                mounts.add(new Mount(source, parts[1], bind, true));
            } else {
                mounts.add(
                        new Mount(
                                volume.path("source").asText(),
                                volume.path("target").asText(),
                                volume.path("type").asText().equals("bind"),
                                volume.path("bind").path("create_host_path").asBoolean(true)));
            }
        }
        return mounts;
    }

    /** The mount of {@code service} that holds {@code path} (the deepest one). */
    private static Mount mountAt(String service, String path) {
        return mounts(services().get(service)).stream()
                .filter(m -> path.equals(m.target()) || path.startsWith(m.target() + "/"))
                .max((a, b) -> Integer.compare(a.target().length(), b.target().length()))
                .orElseThrow(() -> new AssertionError(service + " mounts nothing at " + path));
    }

    private static String repoRelative(String source) {
        Path path = ROOT.resolve(source).normalize();
        // Path#startsWith, not AssertJ's (which resolves real paths): build outputs such as
        // job/target/*.jar need not exist yet when this runs on a clean clone.
        assertThat(path.startsWith(ROOT)).as("%s stays inside the repository", source).isTrue();
        return ROOT.relativize(path).toString().replace('\\', '/');
    }

    private static List<Integer> containerPorts(JsonNode service) {
        List<Integer> ports = new ArrayList<>();
        for (JsonNode port : service.path("ports")) {
            String spec = port.isObject() ? port.path("target").asText() : port.asText();
            String container = spec.substring(spec.lastIndexOf(':') + 1).split("/")[0];
            ports.add(Integer.parseInt(container));
        }
        return ports;
    }

    /** The words of a command or entrypoint: a list as is, a string split on white space. */
    private static List<String> words(JsonNode command) {
        List<String> words = new ArrayList<>();
        if (command.isArray()) {
            command.forEach(word -> words.add(word.asText()));
        } else if (!command.isMissingNode()) {
            words.addAll(List.of(command.asText().trim().split("\\s+")));
        }
        return words;
    }

    /** {@code --flag value} pairs of a command. */
    private static Map<String, String> flags(List<String> words) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (Iterator<String> it = words.iterator(); it.hasNext(); ) {
            String word = it.next();
            if (word.startsWith("--")) {
                flags.put(word, it.hasNext() ? it.next() : "");
            }
        }
        return flags;
    }

    /**
     * The job settings from the client's {@code flink run} arguments, parsed and validated by the
     * job's own code, with container paths mapped back to the repository through the client's
     * mounts.
     */
    private static JobSettings clientJobSettings() {
        JsonNode client = services().get("client");
        String script = String.join("\n", words(client.path("command"))).replace("\\\n", " ");
        Matcher run = Pattern.compile("flink run\\s+([^\\n]*)").matcher(script);
        assertThat(run.find()).as("the client runs `flink run`").isTrue();
        List<String> tokens = List.of(run.group(1).trim().split("\\s+"));
        int jar = 0;
        while (jar < tokens.size() && !tokens.get(jar).endsWith(".jar")) {
            jar++;
        }
        assertThat(jar).as("`flink run` names a jar").isLessThan(tokens.size());
        Mount jarMount = mountAt("client", tokens.get(jar));
        assertThat(repoRelative(jarMount.source())).isEqualTo("job/target/nginx-alerts-job.jar");

        List<String> args = new ArrayList<>();
        for (String token : tokens.subList(jar + 1, tokens.size())) {
            args.add(token.startsWith("/") ? hostPath("client", token) : token);
        }
        Map<String, String> options = Args.parse(args.toArray(String[]::new)).flat(Set.of());
        assertThat(options).containsKey(JobOptions.KAFKA_BOOTSTRAP_SERVERS.key());
        return JobSettings.from(options, true);
    }

    private static String hostPath(String service, String containerPath) {
        Mount mount = mountAt(service, containerPath);
        assertThat(mount.bind()).as("%s is bind-mounted", containerPath).isTrue();
        return ROOT.resolve(mount.source())
                .resolve(containerPath.substring(mount.target().length()).replaceFirst("^/", ""))
                .normalize()
                .toString();
    }

    private static void assertIsKafkaListener(String hostPort) {
        assertThat(services())
                .as("bootstrap server %s is a service", hostPort)
                .containsKey(hostPort.split(":")[0]);
        assertThat(env(hostPort.split(":")[0]).get("KAFKA_ADVERTISED_LISTENERS"))
                .as("Kafka advertises %s", hostPort)
                .contains("://" + hostPort);
    }

    private static Configuration flinkConfig() {
        return GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf").toString());
    }

    /** The port of the nginx server that answers requests from other containers. */

    /** The value of {@code key => "value"} in a Logstash pipeline (the only one with that key). */
    private static String setting(String pipeline, String key) {
        Matcher m =
                Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + "\\s*=>\\s*\"([^\"]*)\"")
                        .matcher(pipeline);
        assertThat(m.find()).as("the pipeline sets %s", key).isTrue();
        String value = m.group(1);
        assertThat(m.find()).as("the pipeline sets %s once", key).isFalse();
        return value;
    }

    /** The text of adjacent single-quoted nginx strings, joined. */
    private static String concatenated(String quoted) {
        Matcher piece = Pattern.compile("'([^']*)'").matcher(quoted);
        StringBuilder text = new StringBuilder();
        while (piece.find()) {
            text.append(piece.group(1));
        }
        return text.toString();
    }

    /** Drops whole-line {@code #} comments (nginx and Logstash). */
    private static String withoutComments(String text) {
        return text.lines()
                .filter(line -> !line.stripLeading().startsWith("#"))
                .collect(Collectors.joining("\n"));
    }

    private static String read(Path relative) throws IOException {
        return Files.readString(ROOT.resolve(relative));
    }

    private static String readUnchecked(String relative) {
        try {
            return read(Path.of(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
