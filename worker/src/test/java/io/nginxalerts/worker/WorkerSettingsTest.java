package io.nginxalerts.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nginxalerts.core.redis.RedisEndpoint;
import io.nginxalerts.core.redis.RedisOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerSettingsTest {

    private static WorkerSettings parse(Map<String, String> env, String... args) throws Exception {
        return WorkerSettings.parse(args, env);
    }

    @Test
    void defaultsDeliverToStdoutFromTheJobsListOnLocalRedis() throws Exception {
        WorkerSettings s = parse(Map.of("HOSTNAME", "alerts-1"));
        assertThat(s.redis().toString()).isEqualTo("redis://localhost:6379/0");
        assertThat(s.list()).isEqualTo("nginx:alerts");
        assertThat(s.deadList()).isEqualTo("nginx:alerts:dead");
        assertThat(s.outputs()).containsExactly(new OutputSpec(OutputSpec.Kind.STDOUT_JSON, null));
        assertThat(s.workerId()).isEqualTo("alerts-1");
        assertThat(s.dedupTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(s.maxAttempts()).isEqualTo(5);
        assertThat(s.httpPort()).isEqualTo(-1);
        assertThat(s.keys().processing(s.workerId())).isEqualTo("nginx:alerts:processing:alerts-1");
    }

    @Test
    void readsEveryOptionFromItsFlag() throws Exception {
        WorkerSettings s =
                parse(
                        Map.of(),
                        "--redis.url",
                        "rediss://bob:pw@redis.example:6380/2",
                        "--redis.list",
                        "prod:alerts",
                        "--output",
                        "stdout:text",
                        "--output=file:/var/log/alerts.jsonl",
                        "--output",
                        "webhook:https://hooks.example.com/x",
                        "--worker-id",
                        "w1",
                        "--dedup-ttl",
                        "2h",
                        "--max-attempts",
                        "7",
                        "--http-port",
                        "9000");
        assertThat(s.redis())
                .isEqualTo(new RedisEndpoint("redis.example", 6380, "bob", "pw", 2, true));
        assertThat(s.list()).isEqualTo("prod:alerts");
        assertThat(s.deadList()).isEqualTo("prod:alerts:dead");
        assertThat(s.outputs())
                .extracting(OutputSpec::kind)
                .containsExactly(
                        OutputSpec.Kind.STDOUT_TEXT, OutputSpec.Kind.FILE, OutputSpec.Kind.WEBHOOK);
        assertThat(s.workerId()).isEqualTo("w1");
        assertThat(s.dedupTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(s.maxAttempts()).isEqualTo(7);
        assertThat(s.httpPort()).isEqualTo(9000);
    }

    @Test
    void readsEnvironmentVariablesAndFlagsWinOverThem() throws Exception {
        Map<String, String> env =
                Map.of(
                        "REDIS_URL", "redis://env-host:1234",
                        "REDIS_LIST", "env:alerts",
                        "WORKER_OUTPUTS", "stdout, file:a.jsonl",
                        "WORKER_ID", "env-worker",
                        "WORKER_MAX_ATTEMPTS", "3");
        WorkerSettings fromEnv = parse(env);
        assertThat(fromEnv.redis().host()).isEqualTo("env-host");
        assertThat(fromEnv.list()).isEqualTo("env:alerts");
        assertThat(fromEnv.outputs()).hasSize(2);
        assertThat(fromEnv.workerId()).isEqualTo("env-worker");
        assertThat(fromEnv.maxAttempts()).isEqualTo(3);

        WorkerSettings flagsWin =
                parse(
                        env,
                        "--redis.list",
                        "flag:alerts",
                        "--output",
                        "stdout:text",
                        "--max-attempts",
                        "9");
        assertThat(flagsWin.list()).isEqualTo("flag:alerts");
        assertThat(flagsWin.outputs())
                .extracting(OutputSpec::kind)
                .containsExactly(OutputSpec.Kind.STDOUT_TEXT);
        assertThat(flagsWin.maxAttempts()).isEqualTo(9);
        assertThat(flagsWin.workerId()).isEqualTo("env-worker");
    }

    @Test
    void refusesAnUnknownFlagNamingIt() {
        assertThatThrownBy(() -> parse(Map.of(), "--redis-url", "redis://x"))
                .isInstanceOf(WorkerSettings.InvalidSettingsException.class)
                .hasMessage("unknown option --redis-url (see --help)");
        assertThatThrownBy(() -> parse(Map.of(), "stray"))
                .hasMessageContaining("unexpected argument 'stray'");
        assertThatThrownBy(() -> parse(Map.of(), "--redis.list"))
                .hasMessage("option --redis.list needs a value");
    }

    @Test
    void refusesBadValuesNamingTheFlagOrVariable() {
        assertThatThrownBy(() -> parse(Map.of(), "--max-attempts", "0"))
                .hasMessageStartingWith("--max-attempts: '0' is not a whole number");
        assertThatThrownBy(() -> parse(Map.of("WORKER_DEDUP_TTL", "forever")))
                .hasMessageStartingWith("WORKER_DEDUP_TTL: 'forever' is not a duration");
        assertThatThrownBy(() -> parse(Map.of(), "--http-port", "70000"))
                .hasMessageStartingWith("--http-port: '70000' is not a port");
        assertThatThrownBy(() -> parse(Map.of(), "--output", "email:me@example.com"))
                .hasMessageStartingWith("--output: unknown output 'email'");
        assertThatThrownBy(() -> parse(Map.of(), "--worker-id", "a b"))
                .hasMessageStartingWith("--worker-id: 'a b' is not a worker id");
        assertThatThrownBy(() -> parse(Map.of(), "--redis.list", "a", "--redis.list", "b"))
                .hasMessage("option --redis.list given twice");
    }

    @Test
    void neverEchoesARedisPasswordInAnError() {
        assertThatThrownBy(() -> parse(Map.of(), "--redis.url", "http://u:s3cretpw@host"))
                .hasMessageContaining("--redis.url")
                .hasMessageContaining("u:***@host")
                .hasMessageNotContaining("s3cretpw");
        assertThatThrownBy(() -> parse(Map.of(), "--redis.url", "redis://u:s3cretpw@host/x"))
                .hasMessageNotContaining("s3cretpw");
    }

    @Test
    void masksThePasswordOfTheRedisUrl() throws Exception {
        WorkerSettings s = parse(Map.of(), "--redis.url", "redis://default:p%40ss@h:1/3");
        assertThat(s.redis().password()).isEqualTo("p@ss");
        assertThat(s.redis().toString()).isEqualTo("redis://default:***@h:1/3");
        assertThat(RedisEndpoint.parse("redis://onlypassword@h").toString())
                .isEqualTo("redis://:***@h:6379/0");
        assertThat(s.secrets()).contains("p@ss");
    }

    @Test
    void expandsEnvironmentReferencesInWebhookHeaders() throws Exception {
        WorkerSettings s =
                parse(
                        Map.of("TOKEN", "abc123"),
                        "--webhook-header",
                        "Authorization: Bearer ${ENV:TOKEN}");
        assertThat(s.webhookHeaders())
                .containsExactly(new HttpHeader("Authorization", "Bearer abc123"));
        assertThat(s.webhookHeaders().get(0).toString()).doesNotContain("abc123");

        assertThatThrownBy(
                        () -> parse(Map.of(), "--webhook-header", "Authorization: ${ENV:MISSING}"))
                .hasMessage("--webhook-header: environment variable MISSING is not set");
        assertThatThrownBy(() -> parse(Map.of(), "--webhook-header", "no colon"))
                .hasMessageStartingWith("--webhook-header: expected 'Name: value'");
        assertThatThrownBy(() -> parse(Map.of(), "--webhook-header", "Host: evil"))
                .hasMessageStartingWith("--webhook-header: header Host cannot be set");
    }

    @Test
    void doesNotEchoAWebhookUrlThatIsWrong() {
        assertThatThrownBy(() -> parse(Map.of(), "--output", "slack:ftp://secret-token"))
                .hasMessageStartingWith("--output: slack: needs an http:// or https:// URL")
                .hasMessageNotContaining("secret-token");
    }

    @Test
    void defaultWorkerIdIsTheHostNameWhichSurvivesRestarts() {
        assertThat(WorkerSettings.defaultWorkerId(Map.of("HOSTNAME", "web-7.example")))
                .isEqualTo("web-7.example");
        assertThat(WorkerSettings.defaultWorkerId(Map.of("HOSTNAME", "odd host")))
                .isEqualTo("odd-host");
    }

    @Test
    void readsAlertmanagerOutputsForAnHaPairAndTheirOptions() throws Exception {
        WorkerSettings defaults = parse(Map.of(), "--output", "alertmanager:http://am:9093");
        assertThat(defaults.outputs())
                .containsExactly(new OutputSpec(OutputSpec.Kind.ALERTMANAGER, "http://am:9093"));
        assertThat(defaults.alertmanagerGeneratorUrl()).isNull();
        assertThat(defaults.alertmanagerResendEvery()).isEqualTo(Duration.ofMinutes(1));
        assertThat(defaults.alertmanagerMaxFiring()).isEqualTo(1000);

        WorkerSettings s =
                parse(
                        Map.of(
                                "WORKER_OUTPUTS",
                                "alertmanager:http://am-1:9093,alertmanager:http://am-2:9093",
                                "WORKER_ALERTMANAGER_RESEND_EVERY",
                                "30s"),
                        "--alertmanager.generator-url",
                        "http://flink:8081/",
                        "--alertmanager.max-firing",
                        "50");
        assertThat(s.outputs())
                .extracting(OutputSpec::target)
                .containsExactly("http://am-1:9093", "http://am-2:9093");
        assertThat(s.alertmanagerGeneratorUrl()).isEqualTo("http://flink:8081/");
        assertThat(s.alertmanagerResendEvery()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.alertmanagerMaxFiring()).isEqualTo(50);

        assertThatThrownBy(() -> parse(Map.of(), "--output", "alertmanager:am:9093"))
                .hasMessageStartingWith("--output: alertmanager: needs an http:// or https://");
        assertThatThrownBy(() -> parse(Map.of(), "--alertmanager.resend-every", "10ms"))
                .hasMessage("--alertmanager.resend-every: must be at least 1s");
        assertThatThrownBy(() -> parse(Map.of(), "--alertmanager.generator-url", "flink"))
                .hasMessageStartingWith("--alertmanager.generator-url: 'flink' is not an absolute");
    }

    @Test
    void usageListsEveryFlagAndVariable() {
        String usage = WorkerSettings.usage();
        for (WorkerSettings.Option o : WorkerSettings.Option.values()) {
            assertThat(usage).contains(o.flag, o.env);
        }
    }

    @Test
    void takesTheJobsOptionNamesAndVariablesForRedis(@TempDir Path tmp) throws Exception {
        Path passwordFile = Files.writeString(tmp.resolve("pw"), "a+b c%d@e:f/g\n");
        WorkerSettings s =
                parse(
                        Map.of("REDIS_PASSWORD_FILE", passwordFile.toString()),
                        "--redis.url",
                        "redis://alerts@h:1",
                        "--redis.list",
                        "l");
        assertThat(s.redis().user()).isEqualTo("alerts");
        assertThat(s.redis().password()).isEqualTo("a+b c%d@e:f/g");
        assertThat(s.list()).isEqualTo("l");
        for (RedisOption shared : RedisOption.values()) {
            assertThat(WorkerSettings.usage()).contains(shared.flag(), shared.env());
        }
    }

    @Test
    void acceptsTheOldSpellingsWithOneDeprecationNoticeEach(@TempDir Path tmp) throws Exception {
        List<String> notices = new ArrayList<>();
        WorkerSettings s =
                WorkerSettings.parse(new String[] {"--list", "old:alerts"}, Map.of(), notices::add);
        assertThat(s.list()).isEqualTo("old:alerts");
        assertThat(notices)
                .containsExactly(
                        "nginx-alerts worker: --list is deprecated, use --redis.list (the name the job"
                                + " uses too)");

        notices.clear();
        WorkerSettings fromOldEnv =
                WorkerSettings.parse(new String[0], Map.of("ALERT_LIST", "env:old"), notices::add);
        assertThat(fromOldEnv.list()).isEqualTo("env:old");
        assertThat(notices)
                .containsExactly(
                        "nginx-alerts worker: ALERT_LIST is deprecated, use REDIS_LIST (the name"
                                + " the job uses too)");

        // An error in a value read through an old name names the old name the user wrote.
        String absent = tmp.resolve("absent.pem").toString();
        assertThatThrownBy(
                        () ->
                                WorkerSettings.parse(
                                        new String[] {"--redis.url", "rediss://h"},
                                        Map.of("REDIS_TLS_CA", absent),
                                        notices::add))
                .hasMessageStartingWith("REDIS_TLS_CA: cannot read " + absent);
    }
}
