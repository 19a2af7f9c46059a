package io.nginxalerts.bench.jmh;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.LogFormat;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.NginxConf;
import io.nginxalerts.core.parse.ParseResult;
import io.nginxalerts.core.parse.ParserSettings;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleLoader;
import io.nginxalerts.traffic.LineEncoder;
import io.nginxalerts.traffic.LineFormat;
import io.nginxalerts.traffic.TrafficGenerator;
import io.nginxalerts.traffic.TrafficProfile;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH suite for the per-event hot paths of the job: parsing a record, evaluating the default rules'
 * conditions on an event (what the per-rule filters do before keyBy), building an alert from a
 * match and encoding it as JSON. Input: 4,096 generated lines of the bench profile, cycled.
 *
 * <pre>
 * java -cp "bench/target/classes:$(cat bench/target/runtime-classpath.txt)" org.openjdk.jmh.Main HotPaths
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPaths {
    private static final int N = 4096;

    private byte[][] json;
    private byte[][] combined;
    private AccessEvent[] events;
    private List<Rule> rules;
    private LogParser parser;

    /** The same parser with nginx's combined given as a custom log_format (compiled scanner). */
    private LogParser customParser;

    private Rule thresholdRule;
    private List<AccessEvent> match;
    private Alert alert;
    private int i;

    @Setup
    public void setup() throws Exception {
        TrafficGenerator g = new TrafficGenerator(TrafficProfile.bench(100_000));
        TrafficGenerator g2 = new TrafficGenerator(TrafficProfile.bench(100_000));
        LineEncoder j = new LineEncoder(LineFormat.NGINX_JSON);
        LineEncoder c = new LineEncoder(LineFormat.COMBINED);
        json = new byte[N][];
        combined = new byte[N][];
        events = new AccessEvent[N];
        parser = new LogParser(new ParserSettings(65536, Duration.ofDays(3650), Clock.systemUTC()));
        customParser =
                new LogParser(
                        new ParserSettings(65536, Duration.ofDays(3650), Clock.systemUTC())
                                .withLogFormat(
                                        LogFormat.nginx(
                                                NginxConf.COMBINED, LogFormat.Escape.DEFAULT)));
        for (int k = 0; k < N; k++) {
            json[k] = j.encode(g.next());
            combined[k] = c.encode(g2.next());
            events[k] = parser.parse(json[k]).event();
        }
        rules = RuleLoader.loadClasspath("rules", HotPaths.class.getClassLoader());
        thresholdRule =
                rules.stream().filter(r -> r.id().equals("client-errors-burst")).findFirst().get();
        match = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            match.add(events[k]);
        }
        alert = Alerts.fromMatch(thresholdRule, match, System.currentTimeMillis());
    }

    private int next() {
        i = (i + 1) & (N - 1);
        return i;
    }

    /** Our parser on an nginx JSON record (builds the AccessEvent). */
    @Benchmark
    public ParseResult parseJson() {
        return parser.parse(json[next()]);
    }

    /** Our parser on a combined text line. */
    @Benchmark
    public ParseResult parseCombined() {
        return parser.parse(combined[next()]);
    }

    /**
     * The compiled custom {@code log_format} path ({@code --input.log-format}) on the same combined
     * lines: compare with {@link #parseCombined} (the hand-written scanner) and {@link #parseJson}.
     */
    @Benchmark
    public ParseResult parseCustomFormat() {
        return customParser.parse(combined[next()]);
    }

    /** All default rules' relevance and key on one event: the filters before keyBy. */
    @Benchmark
    public void conditionsAllRules(Blackhole bh) {
        AccessEvent e = events[next()];
        for (Rule rule : rules) {
            bh.consume(rule.isRelevant(e) && rule.keyOf(e) != null);
        }
    }

    /** An alert from a 20-event match: id (SHA-256), key, summary, evidence. */
    @Benchmark
    public Alert alertFromMatch() {
        return Alerts.fromMatch(thresholdRule, match, 0L);
    }

    /** The alert as the JSON of the Redis list contract. */
    @Benchmark
    public String alertEncode() {
        return AlertCodec.encode(alert);
    }
}
