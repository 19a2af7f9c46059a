package io.nginxalerts.job.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nginxalerts.core.redis.RedisEndpoint;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.JobOptions;
import io.nginxalerts.job.JobSettings;
import io.nginxalerts.job.rules.ThresholdOperator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/**
 * What a running job tells {@code rules apply} about itself, through its global job parameters
 * (REST {@code /jobs/:id/config}, {@code execution-config.user-config}): the options it was started
 * with (passwords in URLs masked), the directory its rules came from, and a {@link RuleSummary} of
 * every rule it runs. So the plan compares against what the job really runs, even when its rule
 * files have been edited since, and the job can be run again with the same options.
 */
public record JobDescription(
        Map<String, String> options, String rulesDir, List<RuleSummary> rules) {
    static final String OPTIONS = "nginx-alerts.options";
    static final String RULES_DIR = "nginx-alerts.rules-dir";
    static final String RULES = "nginx-alerts.rules";

    private static final ObjectMapper JSON = new ObjectMapper();

    public JobDescription {
        options = new LinkedHashMap<>(options);
        rulesDir = rulesDir == null ? "" : rulesDir;
        rules = List.copyOf(rules);
    }

    /** The description of a job started with {@code options} that runs {@code rules}. */
    public static JobDescription of(
            Map<String, String> options, JobSettings settings, List<Rule> rules) {
        Map<String, String> shown = new LinkedHashMap<>();
        options.forEach((k, v) -> shown.put(k, RedisEndpoint.redact(v)));
        return new JobDescription(
                shown,
                settings.rulesDir() == null ? "" : settings.rulesDir().toAbsolutePath().toString(),
                RuleSummary.of(rules, settings.thresholdOperator()));
    }

    /** As job parameters (every value a string, as the REST API shows them). */
    public Configuration toParameters() {
        try {
            return Configuration.fromMap(
                    Map.of(
                            OPTIONS, JSON.writeValueAsString(options),
                            RULES_DIR, rulesDir,
                            RULES, RuleSummary.toJson(rules)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a description back from job parameters; refuses parameters of a job not started by a
     * version that publishes them.
     */
    public static JobDescription fromParameters(Map<String, String> parameters) {
        String options = parameters.get(OPTIONS);
        String rules = parameters.get(RULES);
        if (options == null || rules == null) {
            throw new IllegalArgumentException(
                    "the job does not describe its rules (started by an older nginx-alerts?);"
                            + " change its rules by hand once (README, \"Changing rules\")");
        }
        try {
            return new JobDescription(
                    JSON.readValue(options, new TypeReference<LinkedHashMap<String, String>>() {}),
                    parameters.getOrDefault(RULES_DIR, ""),
                    RuleSummary.fromJson(rules));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable job parameters: " + e.getMessage(), e);
        }
    }

    /** The threshold operator the options choose (the job's default when not given). */
    public ThresholdOperator thresholds() {
        String key = JobOptions.RULES_THRESHOLD_OPERATOR.key();
        Map<String, String> only = new LinkedHashMap<>();
        if (options.containsKey(key)) {
            only.put(key, options.get(key));
        }
        return JobSettings.from(only, Map.of(), false).thresholdOperator();
    }

    /** True if an option lost a password to masking: the job cannot be run again from these. */
    public boolean masked() {
        return options.values().stream().anyMatch(v -> v.contains("***@"));
    }

    /** The program arguments to run the same job with the rules in {@code rulesDir}. */
    public List<String> argsWithRules(String rulesDir) {
        Map<String, String> args = new LinkedHashMap<>(options);
        args.remove("rules");
        List<String> list = new ArrayList<>();
        args.forEach(
                (k, v) -> {
                    list.add("--" + k);
                    list.add(v);
                });
        if (rulesDir != null && !rulesDir.isEmpty()) {
            list.add("--rules");
            list.add(rulesDir);
        }
        return list;
    }
}
