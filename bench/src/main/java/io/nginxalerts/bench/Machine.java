package io.nginxalerts.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.util.EnvironmentInformation;

/** Machine and version lines of the report. */
final class Machine {
    private Machine() {}

    static String describe() {
        String cpu = "?";
        try {
            cpu =
                    Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                            .filter(l -> l.startsWith("model name"))
                            .map(l -> l.substring(l.indexOf(':') + 1).strip())
                            .findFirst()
                            .orElse("?");
        } catch (Exception ignored) {
            // not Linux
        }
        var os =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        return String.format(
                "%d cores (%s), %d GiB RAM, %s %s, JVM heap max %d GiB",
                Runtime.getRuntime().availableProcessors(),
                cpu,
                Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024)),
                System.getProperty("os.name"),
                System.getProperty("os.version"),
                Runtime.getRuntime().maxMemory() >> 30);
    }

    static String versions() {
        return String.format(
                "Java %s, Flink %s, Kafka %s (in-process KRaft), %s%s%s%s",
                System.getProperty("java.version"),
                EnvironmentInformation.getVersion(),
                org.apache.kafka.common.utils.AppInfoParser.getVersion(),
                redis(),
                optional(", ", command("fail2ban-regex --version", "fail2ban")),
                optional(
                        ", ",
                        command("crowdsec -version 2>&1 | grep -m1 -o 'version: .*'", "crowdsec")),
                optional(
                        ", ",
                        command(
                                "/usr/bin/python3 -c 'import sys,kafka,redis;"
                                        + " print(\"Python\", sys.version.split()[0], \"kafka-python\","
                                        + " kafka.__version__, \"redis-py\", redis.__version__)'",
                                "")));
    }

    private static String redis() {
        if (!java.nio.file.Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
            return "redis-server (embedded-redis binary)";
        }
        String v = command("/usr/bin/redis-server --version | grep -o 'v=[0-9.]*'", "redis-server");
        return v.isEmpty() ? "redis-server (embedded-redis binary)" : v;
    }

    private static String optional(String prefix, String s) {
        return s.isEmpty() ? "" : prefix + s;
    }

    private static String command(String cmd, String prefix) {
        try {
            Process p =
                    new ProcessBuilder("bash", "-c", cmd + " 2>/dev/null | head -1")
                            .redirectErrorStream(true)
                            .start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            if (out.isEmpty()) {
                return "";
            }
            return out.toLowerCase(java.util.Locale.ROOT).contains(prefix)
                    ? out
                    : prefix + " " + out;
        } catch (Exception e) {
            return "";
        }
    }
}
