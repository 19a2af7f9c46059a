package io.nginxalerts.testing;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a server certificate for 127.0.0.1/localhost, made with
 * the JDK's {@code keytool} at test time (no network, nothing checked in), and a real redis-server
 * that speaks TLS with them.
 */
public final class TestTls implements AutoCloseable {
    private static final String PASS = "changeit";

    public final Path dir;
    public final Path caPem;
    public final Path certPem;
    public final Path keyPem;

    private TestTls(Path dir) {
        this.dir = dir;
        this.caPem = dir.resolve("ca.pem");
        this.certPem = dir.resolve("server.pem");
        this.keyPem = dir.resolve("server.key");
    }

    /** A new CA and a server certificate signed by it for {@code subjectAltNames}. */
    public static TestTls create(String subjectAltNames) throws Exception {
        TestTls tls = new TestTls(Files.createTempDirectory("nginx-alerts-tls-"));
        Path ca = tls.dir.resolve("ca.p12");
        Path server = tls.dir.resolve("server.p12");
        Path csr = tls.dir.resolve("server.csr");
        keytool(
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=nginx-alerts test CA",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                ca.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASS);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                ca.toString(),
                "-storepass",
                PASS,
                "-file",
                tls.caPem.toString());
        keytool(
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=redis test server",
                "-validity",
                "2",
                "-keystore",
                server.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASS);
        keytool(
                "-certreq",
                "-alias",
                "server",
                "-keystore",
                server.toString(),
                "-storepass",
                PASS,
                "-file",
                csr.toString());
        keytool(
                "-gencert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                ca.toString(),
                "-storepass",
                PASS,
                "-infile",
                csr.toString(),
                "-outfile",
                tls.certPem.toString(),
                "-ext",
                "san=" + subjectAltNames,
                "-validity",
                "2");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(server.toFile())) {
            keys.load(in, PASS.toCharArray());
        }
        Key key = keys.getKey("server", PASS.toCharArray());
        Files.writeString(
                tls.keyPem,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(key.getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        return tls;
    }

    /** The same CA for 127.0.0.1 and localhost, the usual case. */
    public static TestTls forLoopback() throws Exception {
        return create("ip:127.0.0.1,dns:localhost");
    }

    /**
     * A redis-server with a plain port (for test set-up) and a TLS port with this certificate, plus
     * extra {@code redis.conf} lines. Fails with a clear message if the binary has no TLS.
     */
    public LocalRedis startRedis(int tlsPort, String... extra) {
        List<String> settings = new ArrayList<>();
        settings.add("tls-port " + tlsPort);
        settings.add("tls-cert-file " + certPem);
        settings.add("tls-key-file " + keyPem);
        settings.add("tls-ca-cert-file " + caPem);
        settings.add("tls-auth-clients no");
        settings.addAll(List.of(extra));
        try {
            return LocalRedis.start(settings.toArray(String[]::new));
        } catch (RuntimeException e) {
            throw new AssertionError(
                    "could not start redis-server with TLS ("
                            + e.getMessage()
                            + "). The TLS tests need a redis-server built with TLS: Debian's"
                            + " (apt-get install redis-server, used from /usr/bin/redis-server"
                            + " when present) or embedded-redis' bundled binary with libssl3.",
                    e);
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    @Override
    public void close() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
