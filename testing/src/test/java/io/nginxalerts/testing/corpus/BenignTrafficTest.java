package io.nginxalerts.testing.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParseResult;
import io.nginxalerts.core.parse.ParserSettings;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleLoader;
import io.nginxalerts.testing.reference.RuleSetReference;
import io.nginxalerts.traffic.GeneratedLine;
import io.nginxalerts.traffic.LineEncoder;
import io.nginxalerts.traffic.LineFormat;
import io.nginxalerts.traffic.TrafficGenerator;
import io.nginxalerts.traffic.TrafficProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * False positives: the shipped rules over three hours of generated benign traffic with near misses
 * ({@link TrafficProfile#benign}), scored by the literal references (no Flink). Prints the alerts
 * per rule and requires that there are none: a rule that cannot stay quiet here is too broad.
 */
class BenignTrafficTest {
    static final Duration LENGTH = Duration.ofHours(3);

    @Test
    void theShippedRulesRaiseNoAlertOnThreeHoursOfBenignTraffic() throws Exception {
        List<Rule> rules = RuleLoader.loadDirectory(CorpusConformanceTest.RULES);
        List<AccessEvent> events = new ArrayList<>();
        LogParser parser = new LogParser(ParserSettings.defaults());
        for (byte[] line : lines(TrafficProfile.benign(20261206L), LENGTH)) {
            ParseResult parsed = parser.parse(line);
            assertThat(parsed.isEvent()).as(parsed.detail()).isTrue();
            events.add(parsed.event());
        }

        long started = System.nanoTime();
        Map<Rule, List<Alert>> alerts = RuleSetReference.alerts(rules, events);
        long millis = (System.nanoTime() - started) / 1_000_000;

        System.out.printf(
                "%d rules over %d benign events (%s) in %d ms%n",
                rules.size(), events.size(), LENGTH, millis);
        System.out.print(report(alerts));
        assertThat(events.get(events.size() - 1).timestamp() - events.get(0).timestamp())
                .isGreaterThan(LENGTH.toMillis() - 60_000);
        assertThat(alerts.values().stream().flatMap(List::stream).map(Alert::summary))
                .as("alerts on benign traffic")
                .isEmpty();
    }

    /** {@code length} of event time of the profile's traffic, as nginx JSON lines. */
    static List<byte[]> lines(TrafficProfile profile, Duration length) {
        TrafficGenerator generator = new TrafficGenerator(profile);
        LineEncoder json = new LineEncoder(LineFormat.NGINX_JSON);
        long end = profile.start().toEpochMilli() + length.toMillis();
        List<byte[]> lines = new ArrayList<>();
        for (GeneratedLine line = generator.next();
                line.emitMillis() < end;
                line = generator.next()) {
            lines.add(json.encode(line));
        }
        return lines;
    }

    /** Per rule: how many alerts, and the first few keys and summaries. */
    static String report(Map<Rule, List<Alert>> alerts) {
        StringBuilder out = new StringBuilder();
        long total = alerts.values().stream().mapToLong(List::size).sum();
        out.append(String.format("benign traffic: %d alert(s)%n", total));
        alerts.forEach(
                (rule, list) -> {
                    if (list.isEmpty()) {
                        return;
                    }
                    out.append(String.format("  %-32s %5d%n", rule.id(), list.size()));
                    list.stream()
                            .limit(3)
                            .forEach(a -> out.append("      ").append(a.summary()).append('\n'));
                });
        return out.toString();
    }
}
