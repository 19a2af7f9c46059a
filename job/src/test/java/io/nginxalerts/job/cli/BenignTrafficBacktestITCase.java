package io.nginxalerts.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParserSettings;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleLoader;
import io.nginxalerts.testing.reference.RuleSetReference;
import io.nginxalerts.traffic.GeneratedLine;
import io.nginxalerts.traffic.LineEncoder;
import io.nginxalerts.traffic.LineFormat;
import io.nginxalerts.traffic.TrafficGenerator;
import io.nginxalerts.traffic.TrafficProfile;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * False positives through the real job: {@code backtest} with the shipped rules over three hours of
 * benign traffic with near misses ({@link TrafficProfile#benign}, written to a temporary file)
 * gives the alerts the literal references give, and prints them per rule. It requires that there
 * are none. Backtest makes its own local environment, so no MiniClusterExtension here.
 */
class BenignTrafficBacktestITCase {
    static final Duration LENGTH = Duration.ofHours(3);

    @TempDir Path dir;

    @Test
    void backtestRaisesNoAlertOnThreeHoursOfBenignTraffic() throws Exception {
        List<byte[]> lines = lines(TrafficProfile.benign(20261206L), LENGTH);
        Path input = dir.resolve("benign.log");
        try (OutputStream out = Files.newOutputStream(input)) {
            for (byte[] line : lines) {
                out.write(line);
                out.write('\n');
            }
        }
        Path output = dir.resolve("alerts.jsonl");
        ByteArrayOutputStream summary = new ByteArrayOutputStream();

        int code =
                BacktestITCase.runBacktest(
                        summary, "--input", input.toString(), "--output", output.toString());

        String text = summary.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        List<Alert> alerts = Files.readAllLines(output).stream().map(AlertCodec::decode).toList();
        System.out.print(text);
        System.out.print(report(alerts));
        assertThat(text)
                .as("every line is an event, none late")
                .contains(lines.size() + " events, 0 rejected")
                .contains(", 0 late");
        List<Rule> rules = RuleLoader.loadDirectory(BacktestITCase.RULES);
        List<Alert> reference = new ArrayList<>();
        RuleSetReference.alerts(rules, events(lines)).values().forEach(reference::addAll);
        assertThat(CorpusConformanceITCase.perRule(alerts))
                .as("alerts per rule, job vs reference")
                .isEqualTo(CorpusConformanceITCase.perRule(reference));
        assertThat(alerts).extracting(Alert::summary).as("alerts on benign traffic").isEmpty();
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

    private static List<AccessEvent> events(List<byte[]> lines) {
        LogParser parser = new LogParser(ParserSettings.defaults());
        return lines.stream().map(l -> parser.parse(l).event()).toList();
    }

    private static String report(List<Alert> alerts) {
        Map<String, List<Alert>> byRule = new TreeMap<>();
        alerts.forEach(a -> byRule.computeIfAbsent(a.rule(), k -> new ArrayList<>()).add(a));
        StringBuilder out =
                new StringBuilder(String.format("benign traffic: %d alert(s)%n", alerts.size()));
        byRule.forEach(
                (rule, list) -> {
                    out.append(String.format("  %-32s %5d%n", rule, list.size()));
                    list.stream()
                            .limit(3)
                            .forEach(a -> out.append("      ").append(a.summary()).append('\n'));
                });
        return out.toString();
    }
}
