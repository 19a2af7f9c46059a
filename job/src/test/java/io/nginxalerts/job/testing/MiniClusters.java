package io.nginxalerts.job.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniClusters the job's integration tests run on. */
public final class MiniClusters {
    private MiniClusters() {}

    /** One TaskManager with two slots: room for the pipeline at parallelism 2. */
    public static MiniClusterExtension twoSlots() {
        return twoSlots(new Configuration());
    }

    /** As {@link #twoSlots()}, with cluster configuration (e.g. a metric reporter). */
    public static MiniClusterExtension twoSlots(Configuration configuration) {
        return create(1, 2, configuration);
    }

    /** Two TaskManagers with one slot each: one of them can be killed while the other runs. */
    public static MiniClusterExtension twoTaskManagers() {
        return create(2, 1, new Configuration());
    }

    private static MiniClusterExtension create(
            int taskManagers, int slotsPerTaskManager, Configuration configuration) {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(taskManagers)
                        .setNumberSlotsPerTaskManager(slotsPerTaskManager)
                        .setConfiguration(configuration)
                        .build());
    }
}
