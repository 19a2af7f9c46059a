package io.nginxalerts.worker;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/**
 * One {@code --output} value: {@code stdout}, {@code stdout:text}, {@code stdout:json}, {@code
 * file:PATH}, {@code webhook:URL}, {@code slack:URL} or {@code alertmanager:URL}.
 */
record OutputSpec(Kind kind, String target) {

    enum Kind {
        STDOUT_JSON,
        STDOUT_TEXT,
        FILE,
        WEBHOOK,
        SLACK,
        ALERTMANAGER
    }

    /**
     * @throws IllegalArgumentException naming the problem (webhook URLs are not echoed: they may
     *     hold a token)
     */
    static OutputSpec parse(String spec) {
        String s = spec.trim();
        if (s.equals("stdout") || s.equals("stdout:json")) {
            return new OutputSpec(Kind.STDOUT_JSON, null);
        }
        if (s.equals("stdout:text")) {
            return new OutputSpec(Kind.STDOUT_TEXT, null);
        }
        if (s.startsWith("file:")) {
            String path = s.substring("file:".length());
            if (path.isBlank()) {
                throw new IllegalArgumentException("file: needs a path, e.g. file:alerts.jsonl");
            }
            return new OutputSpec(Kind.FILE, path);
        }
        if (s.startsWith("webhook:")) {
            return new OutputSpec(Kind.WEBHOOK, httpUrl("webhook", s.substring(8)));
        }
        if (s.startsWith("slack:")) {
            return new OutputSpec(Kind.SLACK, httpUrl("slack", s.substring(6)));
        }
        if (s.startsWith("alertmanager:")) {
            return new OutputSpec(
                    Kind.ALERTMANAGER,
                    httpUrl("alertmanager", s.substring("alertmanager:".length())));
        }
        String kind = s.contains(":") ? s.substring(0, s.indexOf(':')) : s;
        throw new IllegalArgumentException(
                "unknown output '"
                        + kind
                        + "' (use stdout, stdout:text, file:PATH, webhook:URL, slack:URL or"
                        + " alertmanager:URL)");
    }

    private static String httpUrl(String kind, String url) {
        try {
            URI uri = new URI(url);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // Reported below without echoing the URL.
        }
        throw new IllegalArgumentException(
                kind
                        + ": needs an http:// or https:// URL with a host, e.g. "
                        + kind
                        + ":https://hooks.example.com/…");
    }

    URI uri() {
        return URI.create(target);
    }

    Path path() {
        return Path.of(target);
    }

    /** Values that must not be logged: webhook URLs carry tokens, others may carry a password. */
    List<String> secrets() {
        return kind == Kind.WEBHOOK || kind == Kind.SLACK || kind == Kind.ALERTMANAGER
                ? List.of(target)
                : List.of();
    }

    String describe() {
        return switch (kind) {
            case STDOUT_JSON -> "stdout (JSON lines)";
            case STDOUT_TEXT -> "stdout (text)";
            case FILE -> "file " + target;
            case WEBHOOK -> "webhook " + Secrets.describeUrl(uri());
            case SLACK -> "slack " + Secrets.describeUrl(uri());
            case ALERTMANAGER -> "alertmanager " + Secrets.describeUrl(uri());
        };
    }
}
