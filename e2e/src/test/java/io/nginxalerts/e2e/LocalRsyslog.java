package io.nginxalerts.e2e;

import io.nginxalerts.testing.Poll;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code rsyslogd} running the shipped {@code rsyslog/nginx-to-kafka.conf} in the foreground
 * as a child process of the test, with its UDP port, Kafka broker, topic and spool directory
 * replaced by the test's own (the host's syslog, port 514 and {@code /var/spool} are never
 * touched).
 *
 * <p>Guarantees: {@link #start} returns only when the configuration passed {@code rsyslogd -N1} and
 * the UDP port is bound, so no datagram sent afterwards is refused; {@link #close()} stops rsyslogd
 * (SIGTERM, which makes it hand what it holds to Kafka first) and waits for it.
 */
final class LocalRsyslog implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/rsyslogd");

    /** Where Debian's rsyslog-kafka puts the module (the multiarch directory of this machine). */
    static final Path OMKAFKA =
            Path.of(
                    "/usr/lib",
                    "aarch64".equals(System.getProperty("os.arch"))
                            ? "aarch64-linux-gnu"
                            : "x86_64-linux-gnu",
                    "rsyslog/omkafka.so");

    static final Path SHIPPED_CONF = LocalFlinkCluster.ROOT.resolve("rsyslog/nginx-to-kafka.conf");

    private final Process process;
    private final Path dir;

    private LocalRsyslog(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /** True when rsyslogd and its Kafka output (Debian: rsyslog, rsyslog-kafka) are installed. */
    static boolean installed() {
        return Files.isExecutable(BINARY) && Files.isRegularFile(OMKAFKA);
    }

    /**
     * Writes the shipped configuration into {@code dir} with the test's values and starts rsyslogd
     * on it: lines nginx sends to 127.0.0.1:{@code udpPort} go to {@code topic} on {@code
     * bootstrap}.
     */
    static LocalRsyslog start(Path dir, int udpPort, String bootstrap, String topic)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String shipped = Files.readString(SHIPPED_CONF);
        String conf =
                replaceOnce(
                        shipped,
                        "address=\"127.0.0.1\" port=\"514\"",
                        "address=\"127.0.0.1\" port=\"" + udpPort + "\"");
        conf = replaceOnce(conf, "broker=[\"localhost:9092\"]", "broker=[\"" + bootstrap + "\"]");
        conf = replaceOnce(conf, "topic=\"nginx\"", "topic=\"" + topic + "\"");
        conf =
                replaceOnce(
                        conf,
                        "failedMsgFile=\"/var/spool/rsyslog/",
                        "failedMsgFile=\"" + dir + "/");
        Path included = dir.resolve("nginx-to-kafka.conf");
        Files.writeString(included, conf);
        // The stand-in for /etc/rsyslog.conf: only the work directory the queue spools to.
        Path main = dir.resolve("rsyslog.conf");
        Files.writeString(
                main,
                "global(workDirectory=\""
                        + dir
                        + "\")\ninclude(file=\""
                        + included
                        + "\" mode=\"required\")\n");

        Path check = dir.resolve("check.log");
        Process validate =
                new ProcessBuilder(BINARY.toString(), "-N1", "-f", main.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(check.toFile())
                        .start();
        if (!validate.waitFor(30, TimeUnit.SECONDS) || validate.exitValue() != 0) {
            validate.destroyForcibly();
            throw new IllegalStateException(
                    "rsyslogd -N1 rejected the configuration:\n" + Files.readString(check));
        }

        Path output = dir.resolve("rsyslogd.log");
        Process process =
                new ProcessBuilder(
                                BINARY.toString(),
                                "-n",
                                "-f",
                                main.toString(),
                                "-i",
                                dir.resolve("rsyslogd.pid").toString())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
        LocalRsyslog rsyslog = new LocalRsyslog(process, dir);
        boolean bound =
                Poll.until(
                        Duration.ofSeconds(20),
                        () -> udpBound(udpPort) || !process.isAlive(),
                        done -> done);
        if (!bound || !process.isAlive()) {
            rsyslog.close();
            throw new IllegalStateException(
                    "rsyslogd did not bind udp port " + udpPort + ":\n" + Files.readString(output));
        }
        return rsyslog;
    }

    /** What rsyslogd wrote to stdout and stderr so far. */
    String output() throws IOException {
        return Files.readString(dir.resolve("rsyslogd.log"), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** True when a socket is bound to 127.0.0.1:{@code port} (Linux's /proc/net/udp). */
    private static boolean udpBound(int port) {
        String local = String.format(Locale.ROOT, "0100007F:%04X", port);
        try {
            List<String> sockets = Files.readAllLines(Path.of("/proc/net/udp"));
            return sockets.stream().anyMatch(line -> line.trim().split("\\s+")[1].equals(local));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@code text} with its one occurrence of {@code shipped} replaced; fails if the shipped file
     * no longer has it, so the test cannot silently run a configuration of its own.
     */
    private static String replaceOnce(String text, String shipped, String replacement) {
        int at = text.indexOf(shipped);
        if (at < 0 || text.indexOf(shipped, at + 1) >= 0) {
            throw new IllegalStateException(
                    SHIPPED_CONF + " should have `" + shipped + "` exactly once");
        }
        return text.replace(shipped, replacement);
    }
}
