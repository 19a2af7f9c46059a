package io.nginxalerts.worker;

import io.nginxalerts.core.redis.RedisEndpoint;
import java.net.URI;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps secrets out of logs and error messages: passwords in URLs, webhook URLs (Slack puts its
 * token in the path), header values. Every log line goes through {@link #mask(String)}.
 */
final class Secrets {
    /** Shorter strings would mask innocent text such as "a" or "ok". */
    private static final int MIN_SECRET_LENGTH = 4;

    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();

    private Secrets() {}

    /** Registers values that must never be printed (they are replaced by {@code ***}). */
    static void register(Collection<String> secrets) {
        for (String s : secrets) {
            if (s != null && s.length() >= MIN_SECRET_LENGTH) {
                KNOWN.add(s);
            }
        }
    }

    /** The text with every registered secret and every {@code user:password@} in a URL masked. */
    static String mask(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : KNOWN) {
            if (out.contains(s)) {
                out = out.replace(s, "***");
            }
        }
        return maskUrlPasswords(out);
    }

    /**
     * {@code redis://user:secret@host} becomes {@code redis://user:***@host}, {@code
     * redis://secret@host} becomes {@code redis://***@host}: the masking the job uses too.
     */
    static String maskUrlPasswords(String text) {
        return RedisEndpoint.redact(text);
    }

    /**
     * What a webhook URL may show in logs: scheme, host and port. Paths and queries of webhook URLs
     * often carry the token (Slack: {@code /services/T…/B…/secret}), so they are left out.
     */
    static String describeUrl(URI url) {
        String port = url.getPort() < 0 ? "" : ":" + url.getPort();
        return url.getScheme() + "://" + url.getHost() + port + "/…";
    }
}
