package io.nginxalerts.job.apply;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Versioned, never-modified copies of rule directories: {@code <root>/<hash of the content>/}. A
 * job runs its rules from such a copy, so the directory a user edits can change while the job runs,
 * and a failed change can run the old rules again from theirs. Only {@code rules apply} reads them
 * (the rules travel inside the job graph it submits); keep the root on storage that outlives the
 * machine or container it runs on.
 */
public final class RulesStore {
    private final Path root;

    public RulesStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** True if {@code dir} is one of the store's copies. */
    public boolean holds(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        return d.getParent() != null && d.getParent().equals(root);
    }

    /**
     * The store's copies, oldest first, including copies put there by hand (the compose stack's
     * client keeps the rules it submits as {@code <root>/submitted}).
     */
    public List<Path> copies() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(root)) {
            return list.filter(Files::isDirectory)
                    .filter(d -> !d.getFileName().toString().startsWith("."))
                    .sorted(java.util.Comparator.comparing((Path d) -> d.toFile().lastModified()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    /** The copy of {@code dir}'s files (made now unless one with the same content exists). */
    public Path keep(Path dir) {
        try {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dir)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                sha.update(dir.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Files.readAllBytes(file));
                sha.update((byte) 0);
            }
            String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
            Path copy = root.resolve(hash);
            if (Files.isDirectory(copy)) {
                return copy;
            }
            Files.createDirectories(root);
            Path staging = Files.createTempDirectory(root, ".staging-");
            for (Path file : files) {
                Path target = staging.resolve(dir.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
            // Readers see a whole copy or none.
            Files.move(staging, copy, StandardCopyOption.ATOMIC_MOVE);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a copy of " + dir + " in " + root, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
