package io.nginxalerts.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What ships is the product: the job jar that {@code flink run} takes and the worker jar hold core
 * and their own classes, and none of the tools around them (generated traffic, the test servers,
 * the demo, the bench) nor the test libraries those pull in. Reads the shaded jars that {@code
 * package} built in this reactor run.
 */
class ShippedJarsITCase {
    /** Class-file prefixes that must never be in a shipped jar, with why they would get there. */
    private static final List<String> NEVER_SHIPPED =
            List.of(
                    "io/nginxalerts/traffic/", // the traffic module
                    "io/nginxalerts/testing/", // the testing module
                    "io/nginxalerts/demo/",
                    "io/nginxalerts/bench/",
                    "org/apache/kafka/common/test/", // kafka-test-common-runtime (testing)
                    "redis/embedded/", // embedded-redis (testing)
                    "org/junit/",
                    "org/assertj/");

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "job/target/nginx-alerts-job.jar, io/nginxalerts/job/AlertJob.class",
        "worker/target/nginx-alerts-worker.jar, io/nginxalerts/worker/WorkerMain.class"
    })
    void holdsTheContractAndItsOwnClassesButNoTrafficNorTestServers(String jar, String main)
            throws IOException {
        Path path = LocalFlinkCluster.ROOT.resolve(jar);
        assertThat(path).as("built by mvn package before the e2e tests").isRegularFile();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            List<String> names = zip.stream().map(ZipEntry::getName).toList();
            // The positive checks prove that this is the shaded jar, not an empty or thin one.
            assertThat(names)
                    .contains(main)
                    .contains("io/nginxalerts/core/redis/RedisEndpoint.class")
                    .contains("io/nginxalerts/core/alert/AlertCodec.class");
            for (String prefix : NEVER_SHIPPED) {
                assertThat(names).as(jar).noneMatch(name -> name.startsWith(prefix));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // RE2/J runs rule regexes; Aho-Corasick matches list files; Jedis writes to Redis.
        "com/google/re2j/Pattern.class",
        "org/ahocorasick/trie/Trie.class",
        "redis/clients/jedis/Jedis.class"
    })
    void theJobJarCarriesTheLibrariesItsRulesAndSinkUse(String library) throws IOException {
        try (ZipFile zip = new ZipFile(LocalFlinkCluster.JOB_JAR.toFile())) {
            assertThat(zip.getEntry(library)).as(library).isNotNull();
        }
    }
}
