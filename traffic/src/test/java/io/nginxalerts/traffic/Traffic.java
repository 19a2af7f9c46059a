package io.nginxalerts.traffic;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Helpers shared by the traffic tests: generate a run, count events in sliding windows. */
final class Traffic {

    private Traffic() {}

    /**
     * What the first shipped rules matched, kept as fixed patterns: the generator's attacks must
     * show them and its normal clients must not (the shipped rules have since grown list files in
     * {@code rules/lists/}; BenignTrafficTest runs those over the benign traffic).
     */
    static final Pattern SCANNER_AGENT =
            Pattern.compile(
                    "(?i)\\b(sqlmap|nikto|nmap|masscan|zgrab|nuclei|gobuster|dirbuster|wpscan)\\b");

    static final Pattern TRAVERSAL =
            Pattern.compile(
                    "(?i)((\\.\\.|%2e%2e|\\.%2e|%2e\\.)(/|\\\\|%2f|%5c)|%252e%252e|/etc/passwd"
                            + "|/proc/self/)");

    /** Both alternatives of the sensitive-file-probe rule, applied to the path. */
    static final Pattern SENSITIVE_PATH =
            Pattern.compile(
                    "(?i)(/\\.env($|\\.)|/\\.git(/|$)|/\\.svn/|/\\.hg/|/\\.aws/|/\\.ssh/"
                            + "|/\\.ds_store$|/\\.ht(passwd|access)$|/id_[rd]sa|/config\\.php"
                            + "|/phpmyadmin|/pma/|/server-(status|info)"
                            + "|/(backup|dump|db|database)\\.(sql|zip|tar|tar\\.gz|tgz)$"
                            + "|/(wp-login\\.php|wp-admin(/|$)|wp-config\\.php|xmlrpc\\.php))");

    static boolean found(Pattern pattern, String text) {
        return pattern.matcher(text).find();
    }

    static String path(GeneratedLine line) {
        String url = line.url();
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    static List<GeneratedLine> run(TrafficProfile profile, int lines) {
        TrafficGenerator generator = new TrafficGenerator(profile);
        List<GeneratedLine> out = new ArrayList<>(lines);
        for (int i = 0; i < lines; i++) {
            out.add(generator.next());
        }
        return out;
    }

    /** Lines until the first one emitted {@code millis} after the profile's start. */
    static List<GeneratedLine> runFor(TrafficGenerator generator, long millis) {
        long end = generator.profile().start().toEpochMilli() + millis;
        List<GeneratedLine> out = new ArrayList<>();
        while (true) {
            GeneratedLine line = generator.next();
            if (line.emitMillis() >= end) {
                return out;
            }
            out.add(line);
        }
    }

    /** The largest number of matching lines whose timestamps fit in one window of {@code width}. */
    static int maxInWindow(List<GeneratedLine> lines, Predicate<GeneratedLine> p, long width) {
        long[] times = lines.stream().filter(p).mapToLong(GeneratedLine::timestampMillis).toArray();
        Arrays.sort(times);
        int best = 0;
        for (int lo = 0, hi = 0; hi < times.length; hi++) {
            while (times[hi] - times[lo] >= width) {
                lo++;
            }
            best = Math.max(best, hi - lo + 1);
        }
        return best;
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
