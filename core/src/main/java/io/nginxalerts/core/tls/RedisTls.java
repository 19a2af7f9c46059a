package io.nginxalerts.core.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for {@code rediss://}: the server's certificate must chain to the configured CA certificates
 * (or, without any, to the JVM's default trust store) and must name the host the URL names. Jedis
 * verifies neither the host name by itself nor anything when no {@link SSLParameters} are given, so
 * both are set explicitly here.
 */
public final class RedisTls {
    private RedisTls() {}

    /**
     * Checks that the text holds at least one PEM certificate.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void validate(String caPem) {
        certificates(caPem);
    }

    /** A socket factory trusting exactly {@code caPem}, or the JVM default if it is null. */
    public static SSLSocketFactory socketFactory(String caPem) {
        if (caPem == null) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates(caPem)) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up TLS for Redis: " + e, e);
        }
    }

    /** Host name verification as for HTTPS: the certificate must name the URL's host. */
    public static SSLParameters verifyHostname() {
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }

    private static Collection<? extends Certificate> certificates(String caPem) {
        Collection<? extends Certificate> certificates;
        try {
            certificates =
                    CertificateFactory.getInstance("X.509")
                            .generateCertificates(
                                    new ByteArrayInputStream(
                                            caPem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "no PEM certificate (-----BEGIN CERTIFICATE-----): " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }
}
