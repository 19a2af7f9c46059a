package io.nginxalerts.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerSettingsTest {

    private static WorkerSettings parse(Map<String, String> env, String... args) throws Exception {
        return WorkerSettings.parse(args, env);
    }

    @Test
    void defaultsDeliverToStdoutFromTheJobsListOnLocalRedis() throws Exception {
        WorkerSettings s = parse(Map.of("HOSTNAME", "alerts-1"));
        assertThat(s.redis().masked()).isEqualTo("redis://localhost:6379/0");
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
                        "--list",
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
                .isEqualTo(new RedisTarget("redis.example", 6380, "bob", "pw", 2, true));
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
                        "ALERT_LIST", "env:alerts",
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
                        "--list",
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
        assertThatThrownBy(() -> parse(Map.of(), "--list"))
                .hasMessage("option --list needs a value");
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
        assertThatThrownBy(() -> parse(Map.of(), "--list", "a", "--list", "b"))
                .hasMessage("option --list given twice");
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
        assertThat(RedisTarget.parse("redis://onlypassword@h").masked())
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
    void usageListsEveryFlagAndVariable() {
        String usage = WorkerSettings.usage();
        for (WorkerSettings.Option o : WorkerSettings.Option.values()) {
            assertThat(usage).contains(o.flag, o.env);
        }
    }
}
