package io.nginxalerts.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Schema 2's lifecycle through the JSON contract: firing, updated and resolved records of one
 * episode share a fingerprint and have ids of their own; schema 1 records still read as firing.
 */
class AlertLifecycleContractTest {
    static final long T0 = AlertCodecFactsTest.T0;

    private static Alert firing(String ip) {
        return new Alert(
                Alerts.id("login-brute-force", Map.of("clientip", ip), AlertCodecFactsTest.EVENT),
                "login-brute-force",
                "high",
                Map.of("clientip", ip),
                8,
                T0,
                T0 + 5_000,
                T0 + 6_000,
                "s",
                "d",
                List.of(AlertCodecFactsTest.EVENT),
                Alert.SCHEMA_VERSION);
    }

    @Test
    void aFiringRecordWritesStatusAndFingerprintAndNoEndsAt() {
        Alert alert = firing("203.0.113.7");
        String json = AlertCodec.encode(alert);

        assertThat(json)
                .startsWith("{\"schema\":2,\"id\":\"" + alert.id() + "\",\"status\":\"firing\"")
                .contains("\"fingerprint\":\"" + alert.fingerprint() + "\"")
                .doesNotContain("ends_at");
        assertThat(AlertCodec.decode(json)).isEqualTo(alert);
    }

    @Test
    void theResolvedRecordSharesTheFingerprintHasItsOwnIdAndEndsAt() {
        Alert alert = firing("203.0.113.7");
        Alert resolved = alert.resolvedAt(T0 + 305_000, T0 + 400_000);
        String json = AlertCodec.encode(resolved);

        assertThat(resolved.fingerprint()).isEqualTo(alert.fingerprint());
        assertThat(resolved.id()).isNotEqualTo(alert.id()).hasSize(32);
        assertThat(resolved.id()).isEqualTo(alert.resolvedAt(T0 + 305_000, 0).id());
        assertThat(json)
                .contains("\"status\":\"resolved\"")
                .contains("\"ends_at\":\"" + AlertCodec.iso(T0 + 305_000) + "\"");
        assertThat(AlertCodec.decode(json)).isEqualTo(resolved);
        assertThat(AlertCodec.decode(json).resolved()).isTrue();
    }

    @Test
    void updatesKeepTheFingerprintAndGetDistinctIds() {
        Alert alert = firing("203.0.113.7");
        Alert first = alert.updated(20, T0 + 60_000, 1, T0 + 61_000);
        Alert second = alert.updated(30, T0 + 120_000, 2, T0 + 121_000);

        assertThat(List.of(alert.id(), first.id(), second.id())).doesNotHaveDuplicates();
        assertThat(List.of(first.fingerprint(), second.fingerprint()))
                .containsOnly(alert.fingerprint());
        assertThat(second.count()).isEqualTo(30);
        assertThat(second.lastSeen()).isEqualTo(T0 + 120_000);
        assertThat(second.firstSeen()).isEqualTo(T0);
    }

    @Test
    void theFingerprintDependsOnRuleAndKeyOnly() {
        assertThat(firing("203.0.113.7").fingerprint())
                .isEqualTo(
                        Alerts.fingerprint("login-brute-force", Map.of("clientip", "203.0.113.7")))
                .isNotEqualTo(firing("203.0.113.8").fingerprint())
                .isNotEqualTo(Alerts.fingerprint("other", Map.of("clientip", "203.0.113.7")));
    }

    @Test
    void readsASchemaOneRecordAsFiringWithTheComputedFingerprint() {
        Alert alert = firing("203.0.113.7");
        String v1 =
                AlertCodec.encode(alert)
                        .replace("\"schema\":2", "\"schema\":1")
                        .replace("\"status\":\"firing\",", "")
                        .replace("\"fingerprint\":\"" + alert.fingerprint() + "\",", "");

        Alert back = AlertCodec.decode(v1);

        assertThat(back.status()).isEqualTo(Alert.Status.FIRING);
        assertThat(back.fingerprint()).isEqualTo(alert.fingerprint());
    }

    @Test
    void refusesAnUnknownStatusAndAResolvedRecordWithoutEndsAt() {
        Alert resolved = firing("203.0.113.7").resolvedAt(T0 + 305_000, T0 + 400_000);
        String json = AlertCodec.encode(resolved);

        assertThatThrownBy(() -> AlertCodec.decode(json.replace("\"resolved\"", "\"gone\"")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("status \"gone\"");
        assertThatThrownBy(() -> AlertCodec.decode(json.replaceAll("\"ends_at\":\"[^\"]*\",", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a resolved alert needs ends_at");
        assertThatThrownBy(() -> AlertCodec.decode(json.replace(",\"status\":\"resolved\"", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("missing text field status");
    }
}
