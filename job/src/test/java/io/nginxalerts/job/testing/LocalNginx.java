package io.nginxalerts.job.testing;

import io.nginxalerts.testing.Ports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project's {@code nginx/} directory, copied into a temp dir with the image's absolute paths
 * (logs, pid, caches) moved into it and every port replaced by a free one, so a real {@code
 * /usr/sbin/nginx} can check it ({@link #test()}) or serve it ({@link #start()}) on this machine.
 */
public final class LocalNginx implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/nginx");

    private static final Pattern LISTEN = Pattern.compile("(listen\\s+(?:[0-9.]+:)?)(\\d+)");
    private static final Pattern UPSTREAM_SERVER =
            Pattern.compile("(server\\s+127\\.0\\.0\\.1:)(\\d+)");
    private static final Pattern FRONT_LISTEN = Pattern.compile("(?m)^\\s*listen\\s+(\\d+)");
    private static final Pattern ACCESS_LOG =
            Pattern.compile("(?m)^(\\s*)access_log\\s+\\S+/access\\.json\\.log\\s+alerts_json;");

    private final Path dir;
    private final Path conf;
    private final int frontPort;
    private Process process;

    private LocalNginx(Path dir, Path conf, int frontPort) {
        this.dir = dir;
        this.conf = conf;
        this.frontPort = frontPort;
    }

    /** The message to show when nginx is not installed. */
    public static String missingMessage() {
        return BINARY
                + " not found: install nginx (apt-get install -y nginx; `./nginx-alerts test`"
                + " does it), it need not run as a service";
    }

    /** Copies {@code nginxDir} into {@code tmp} and rewrites paths and ports. */
    public static LocalNginx prepare(Path nginxDir, Path tmp) throws IOException {
        copyTree(nginxDir, tmp);
        Files.createDirectories(tmp.resolve("logs"));
        Files.createDirectories(tmp.resolve("cache"));
        Path conf = tmp.resolve("nginx.conf");
        String original = Files.readString(conf);
        Map<String, String> ports = new HashMap<>();
        Matcher listen = LISTEN.matcher(original);
        while (listen.find()) {
            ports.putIfAbsent(listen.group(2), Integer.toString(Ports.free()));
        }
        Matcher front = FRONT_LISTEN.matcher(original);
        if (!front.find()) {
            throw new IllegalStateException("nginx.conf has no `listen <port>` on all interfaces");
        }
        String rewritten =
                original.replace("/var/log/nginx", tmp.resolve("logs").toString())
                        .replace("/var/cache/nginx", tmp.resolve("cache").toString())
                        .replace("/var/run/nginx.pid", tmp.resolve("nginx.pid").toString());
        rewritten = replacePorts(LISTEN, rewritten, ports);
        rewritten = replacePorts(UPSTREAM_SERVER, rewritten, ports);
        if ("root".equals(System.getProperty("user.name"))) {
            // Workers would run as nobody, who cannot read a private temp dir.
            rewritten = "user root;\n" + rewritten;
        }
        Files.writeString(conf, rewritten);
        return new LocalNginx(tmp, conf, Integer.parseInt(ports.get(front.group(1))));
    }

    /** The original front port of the shipped config (80 in the image). */
    public static int shippedFrontPort(String nginxConf) {
        Matcher front = FRONT_LISTEN.matcher(nginxConf);
        if (!front.find()) {
            throw new IllegalStateException("nginx.conf has no `listen <port>` on all interfaces");
        }
        return Integer.parseInt(front.group(1));
    }

    public Path config() {
        return conf;
    }

    /** The port the public server listens on here. */
    public int port() {
        return frontPort;
    }

    /**
     * Replaces the shipped config's JSON access log with one {@code access_log <arguments>;} per
     * argument, e.g. {@code syslog:server=127.0.0.1:5140,tag=nginx combined}, so other ways of
     * logging are tested with the same site; call before {@link #start()}.
     */
    public void logTo(String... arguments) throws IOException {
        String original = Files.readString(conf);
        Matcher accessLog = ACCESS_LOG.matcher(original);
        if (!accessLog.find()) {
            throw new IllegalStateException("nginx.conf has no `access_log ... alerts_json;`");
        }
        StringBuilder directives = new StringBuilder();
        for (String argument : arguments) {
            directives.append(directives.isEmpty() ? "" : "\n");
            directives
                    .append(accessLog.group(1))
                    .append("access_log ")
                    .append(argument)
                    .append(';');
        }
        Files.writeString(
                conf, accessLog.replaceFirst(Matcher.quoteReplacement(directives.toString())));
    }

    /** The directory of the access and error logs; {@link #logTo} may write files there. */
    public Path logs() {
        return dir.resolve("logs");
    }

    /** The JSON access log the config writes. */
    public Path accessLog() {
        return dir.resolve("logs").resolve("access.json.log");
    }

    /** Runs {@code nginx -t}; returns its exit code and output. */
    public Result test() throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(BINARY.toString(), "-t", "-p", dir + "/", "-c", conf.toString())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, output + "\n(timed out)");
        }
        return new Result(p.exitValue(), output);
    }

    /** Starts nginx in the foreground as a child process; waits until its port accepts. */
    public void start() throws IOException {
        process =
                new ProcessBuilder(
                                BINARY.toString(),
                                "-p",
                                dir + "/",
                                "-c",
                                conf.toString(),
                                "-g",
                                "daemon off;")
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("logs").resolve("stdout.log").toFile())
                        .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), frontPort)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IOException(
                            "nginx exited: "
                                    + Files.readString(dir.resolve("logs").resolve("stdout.log")));
                }
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
        }
        throw new IOException("nginx did not listen on " + frontPort);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy(); // SIGTERM: fast shutdown of master and workers
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    public record Result(int exitCode, String output) {}

    private static String replacePorts(Pattern pattern, String text, Map<String, String> ports) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String port = ports.getOrDefault(m.group(2), m.group(2));
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + port));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
