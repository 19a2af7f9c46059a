package io.nginxalerts.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.testing.TestAlerts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapping of alert records onto Alertmanager's API v2 {@code postableAlert}s. */
class AlertmanagerPayloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = TestAlerts.FIRST_SEEN;

    private static Alert bruteForce(String ip, List<AccessEvent> evidence) {
        return new Alert(
                Alerts.id("login-brute-force", Map.of("clientip", ip), evidence.get(0)),
                "login-brute-force",
                "warning",
                Map.of("clientip", ip),
                8,
                T0,
                T0 + 5_000,
                T0 + 6_000,
                "login-brute-force: 8 login attempts from " + ip,
                "Password guessing.\n",
                evidence,
                Alert.SCHEMA_VERSION);
    }

    private static List<AccessEvent> logins(String ip, int n) {
        return java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> TestAlerts.request(T0 + i, ip, "POST", "/wp-login.php", 200))
                .toList();
    }

    private static JsonNode one(AlertmanagerPayload payload, Alert alert) throws Exception {
        JsonNode body = JSON.readTree(payload.body(List.of(alert)));
        assertThat(body.isArray()).isTrue();
        assertThat(body).hasSize(1);
        return body.get(0);
    }

    @Test
    void aFiringAlertHasRuleSeverityKeyAndSourceLabelsAStartAndNoEnd() throws Exception {
        Alert alert = bruteForce("203.0.113.7", logins("203.0.113.7", 2));

        JsonNode am = one(new AlertmanagerPayload(null), alert);

        assertThat(JSON.convertValue(am.get("labels"), Map.class))
                .isEqualTo(
                        Map.of(
                                "alertname", "login-brute-force",
                                "severity", "warning",
                                "clientip", "203.0.113.7",
                                "source", "nginx-alerts"));
        assertThat(am.get("startsAt").asText()).isEqualTo("2026-11-18T11:06:40Z");
        assertThat(am.has("endsAt")).isFalse();
        assertThat(am.has("generatorURL")).isFalse();
        JsonNode annotations = am.get("annotations");
        assertThat(annotations.get("summary").asText())
                .isEqualTo("login-brute-force: 8 login attempts from 203.0.113.7");
        assertThat(annotations.get("description").asText()).isEqualTo("Password guessing.");
        assertThat(annotations.get("evidence").asText())
                .isEqualTo("POST /wp-login.php 200\nPOST /wp-login.php 200");
        assertThat(annotations.get("count").asText()).isEqualTo("8");
        assertThat(annotations.get("alert_id").asText()).isEqualTo(alert.id());
    }

    @Test
    void aResolvedRecordHasTheSameLabelsAndEndsAtItsEndTime() throws Exception {
        Alert firing = bruteForce("203.0.113.7", logins("203.0.113.7", 1));
        Alert resolved = firing.resolvedAt(T0 + 305_000, T0 + 400_000);
        AlertmanagerPayload payload = new AlertmanagerPayload(null);

        JsonNode am = one(payload, resolved);

        assertThat(am.get("labels")).isEqualTo(one(payload, firing).get("labels"));
        assertThat(am.get("startsAt").asText()).isEqualTo("2026-11-18T11:06:40Z");
        assertThat(am.get("endsAt").asText()).isEqualTo("2026-11-18T11:11:45Z");
    }

    @Test
    void neverSendsAnEndBeforeTheStartWhichAlertmanagerRefuses() throws Exception {
        Alert resolved =
                bruteForce("203.0.113.7", logins("203.0.113.7", 1)).resolvedAt(T0 - 1_000, T0);

        JsonNode am = one(new AlertmanagerPayload(null), resolved);

        assertThat(am.get("endsAt").asText()).isEqualTo(am.get("startsAt").asText());
    }

    @Test
    void sendsTheConfiguredGeneratorUrl() throws Exception {
        JsonNode am =
                one(
                        new AlertmanagerPayload("http://flink:8081/#/overview"),
                        bruteForce("203.0.113.7", logins("203.0.113.7", 1)));

        assertThat(am.get("generatorURL").asText()).isEqualTo("http://flink:8081/#/overview");
    }

    @Test
    void evidenceIsShortAtMostThreeLinesEachCutAndOnOneLine() {
        String longUrl = "/search?q=" + "a".repeat(500);
        List<AccessEvent> evidence =
                List.of(
                        TestAlerts.request(T0, "203.0.113.7", "GET", "/x\n/forged 200", 404),
                        TestAlerts.request(T0, "203.0.113.7", "GET", longUrl, 404),
                        TestAlerts.request(T0, "203.0.113.7", "GET", "/3", 404),
                        TestAlerts.request(T0, "203.0.113.7", "GET", "/4", 404));

        String text = AlertmanagerPayload.evidence(bruteForce("203.0.113.7", evidence));

        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("GET /x /forged 200 404");
        assertThat(lines.get(1)).hasSize(AlertmanagerPayload.EVIDENCE_LINE_CHARS + 1).endsWith("…");
        assertThat(lines.get(2)).isEqualTo("GET /3 404");
    }

    @Test
    void keyFieldsBecomeValidLabelNamesThatNeverReplaceTheOwnLabels() {
        Alert alert =
                new Alert(
                        "id-1",
                        "odd-keys",
                        "high",
                        Map.of("extra.tenant", "t1", "severity", "spoofed", "1st", "x"),
                        1,
                        T0,
                        T0,
                        T0,
                        "s",
                        null,
                        List.of(),
                        Alert.SCHEMA_VERSION);

        assertThat(AlertmanagerPayload.labels(alert))
                .containsEntry("extra_tenant", "t1")
                .containsEntry("key_severity", "spoofed")
                .containsEntry("_1st", "x")
                .containsEntry("severity", "high")
                .containsEntry("alertname", "odd-keys");
    }

    @Test
    void postsToTheApiPathOfTheConfiguredBaseUrl() {
        assertThat(AlertmanagerOutput.alertsUrl(java.net.URI.create("http://am:9093")))
                .hasToString("http://am:9093/api/v2/alerts");
        assertThat(AlertmanagerOutput.alertsUrl(java.net.URI.create("http://h/am/")))
                .hasToString("http://h/am/api/v2/alerts");
        assertThat(
                        AlertmanagerOutput.alertsUrl(
                                java.net.URI.create("http://am:9093/api/v2/alerts")))
                .hasToString("http://am:9093/api/v2/alerts");
    }
}
