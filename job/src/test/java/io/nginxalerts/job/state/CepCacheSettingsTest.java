package io.nginxalerts.job.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.job.Pipeline;
import io.nginxalerts.job.rules.ThresholdOperator;
import io.nginxalerts.job.source.LogFileFormat;
import io.nginxalerts.job.source.ParsedRecord;
import io.nginxalerts.job.source.RecordParser;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.job.time.EventTimeSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.cep.configuration.CEPCacheOptions;
import org.apache.flink.cep.configuration.SharedBufferCacheConfig;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamConfig;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.junit.jupiter.api.Test;

/**
 * Pins what CEP's shared-buffer cache runs with, the reason flink-conf/config.yaml sets none of the
 * {@code pipeline.cep.sharedbuffer.cache.*} keys: in Flink 2.2.1 {@code CepOperator} reads them
 * from its own operator configuration ({@code StreamConfig}), which neither the cluster's
 * config.yaml nor the job's configuration reaches. Every CEP operator therefore runs with the
 * defaults (1024 entry slots, 1024 event slots, statistics every 30 min), which bound the heap the
 * cache takes per operator instance whatever the number of keys. If a Flink upgrade starts passing
 * the keys through, this test fails, and the keys in config.yaml become worth setting.
 */
class CepCacheSettingsTest {
    @Test
    void cepOperatorsRunWithTheDefaultCacheWhateverTheJobConfigurationSays() throws Exception {
        Configuration config = new Configuration();
        config.set(CEPCacheOptions.CEP_SHARED_BUFFER_ENTRY_CACHE_SLOTS, 7);
        config.set(CEPCacheOptions.CEP_SHARED_BUFFER_EVENT_CACHE_SLOTS, 7);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        FileSource<ParsedRecord> source =
                FileSource.forRecordStreamFormat(
                                new LogFileFormat(
                                        new RecordParser(65536, Duration.ofMinutes(5)), "none"),
                                new org.apache.flink.core.fs.Path("/nonexistent"))
                        .build();
        Pipeline.Streams streams =
                Pipeline.build(
                        env,
                        List.of(new Pipeline.Input("file-source", "none", source)),
                        List.of(TestRules.loginBruteForceSuccess()),
                        new EventTimeSettings(Duration.ofSeconds(5), Duration.ZERO, Duration.ZERO),
                        ThresholdOperator.GROUPED);
        streams.alerts().print();
        JobGraph graph = env.getStreamGraph().getJobGraph();
        // The job configuration has the keys (as it would from `flink run` with config.yaml) ...
        assertThat(
                        graph.getJobConfiguration()
                                .get(CEPCacheOptions.CEP_SHARED_BUFFER_ENTRY_CACHE_SLOTS))
                .isEqualTo(7);

        // ... but the CEP operators' own configuration, which CepOperator reads, does not.
        ClassLoader cl = getClass().getClassLoader();
        List<SharedBufferCacheConfig> cepCaches = new ArrayList<>();
        for (JobVertex vertex : graph.getVertices()) {
            StreamConfig head = new StreamConfig(vertex.getConfiguration());
            List<StreamConfig> operators = new ArrayList<>();
            operators.add(head);
            operators.addAll(head.getTransitiveChainedTaskConfigs(cl).values());
            for (StreamConfig operator : operators) {
                StreamOperatorFactory<?> factory = operator.getStreamOperatorFactory(cl);
                if (factory instanceof SimpleOperatorFactory<?> simple
                        && simple.getOperator() instanceof CepOperator) {
                    cepCaches.add(SharedBufferCacheConfig.of(operator.getConfiguration()));
                }
            }
        }
        assertThat(cepCaches)
                .isNotEmpty()
                .allSatisfy(
                        cache -> {
                            assertThat(cache.getEntryCacheSlots()).isEqualTo(1024);
                            assertThat(cache.getEventsBufferCacheSlots()).isEqualTo(1024);
                            assertThat(cache.getCacheStatisticsInterval())
                                    .isEqualTo(Duration.ofMinutes(30));
                        });
    }
}
