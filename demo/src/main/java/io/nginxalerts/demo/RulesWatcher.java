package io.nginxalerts.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Tells when the files of a rules directory have changed and then stayed unchanged for a quiet
 * period: editors save in several steps (a temporary file, a rename, a truncate and a write), and a
 * rule directory is often changed file by file, so a change is only reported once it has settled.
 * Compares contents, not modification times, whose resolution can hide a quick second save. Editor
 * leftovers (dot files, {@code name~}, {@code *.swp}) are ignored.
 *
 * <p>Not thread-safe: one thread polls it.
 */
final class RulesWatcher {
    private final Path dir;
    private final long quietNanos;
    private Map<String, String> accepted;
    private Map<String, String> pending;
    private long pendingSince;

    /** Watches {@code dir} from its content now. */
    RulesWatcher(Path dir, Duration quiet) {
        this.dir = dir;
        this.quietNanos = quiet.toNanos();
        this.accepted = snapshot();
    }

    /**
     * True once the directory's content differs from the last one reported (or the one at the
     * start) and has not changed for the quiet period up to {@code nowNanos}; that content is then
     * the one later calls compare against.
     */
    boolean changed(long nowNanos) {
        Map<String, String> now = snapshot();
        if (now.equals(accepted)) {
            pending = null;
            return false;
        }
        if (!now.equals(pending)) {
            pending = now;
            pendingSince = nowNanos;
            return false;
        }
        if (nowNanos - pendingSince < quietNanos) {
            return false;
        }
        accepted = now;
        pending = null;
        return true;
    }

    /** Relative path → SHA-256 of the content, for every file that may hold rules or lists. */
    private Map<String, String> snapshot() {
        Map<String, String> files = new TreeMap<>();
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.filter(Files::isRegularFile).toList();
        } catch (NoSuchFileException | UncheckedIOException e) {
            // Mid-rename, or the directory itself is being replaced: seen as a change, which
            // settles once the directory is back.
            return Map.of("", "unreadable");
        } catch (IOException e) {
            return Map.of("", "unreadable");
        }
        for (Path path : paths) {
            String name = path.getFileName().toString();
            if (name.startsWith(".") || name.endsWith("~") || name.endsWith(".swp")) {
                continue;
            }
            try {
                files.put(dir.relativize(path).toString(), sha256(Files.readAllBytes(path)));
            } catch (IOException e) {
                // Deleted between the walk and the read: the next poll sees it gone.
                files.put(dir.relativize(path).toString(), "unreadable");
            }
        }
        return files;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
