package io.nginxalerts.job.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line arguments: {@code --key value} or {@code --key=value} options (a key may repeat) and
 * positional words. A flag given without a value (last, or followed by another {@code --key}) has
 * the value {@code "true"}.
 */
public final class Args {
    private final Map<String, List<String>> options;
    private final List<String> positional;

    private Args(Map<String, List<String>> options, List<String> positional) {
        this.options = options;
        this.positional = positional;
    }

    public static Args parse(String[] args) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--") && arg.length() > 2) {
                String key = arg.substring(2);
                String value;
                int eq = key.indexOf('=');
                if (eq >= 0) {
                    value = key.substring(eq + 1);
                    key = key.substring(0, eq);
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    value = args[++i];
                } else {
                    value = "true";
                }
                options.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            } else {
                positional.add(arg);
            }
        }
        return new Args(options, positional);
    }

    public Map<String, List<String>> options() {
        return options;
    }

    public List<String> positional() {
        return positional;
    }

    public List<String> all(String key) {
        return options.getOrDefault(key, List.of());
    }

    /** The single value of an option, or null; refuses an option given twice. */
    public String one(String key) {
        List<String> values = all(key);
        if (values.size() > 1) {
            throw new IllegalArgumentException("--" + key + " given more than once");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    /** Options without the given keys, as a flat map (last value wins is refused by one()). */
    public Map<String, String> flat(java.util.Set<String> except) {
        Map<String, String> flat = new LinkedHashMap<>();
        for (String key : options.keySet()) {
            if (!except.contains(key)) {
                flat.put(key, one(key));
            }
        }
        return flat;
    }
}
