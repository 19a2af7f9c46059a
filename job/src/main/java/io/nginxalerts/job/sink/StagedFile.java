package io.nginxalerts.job.sink;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * An output file that a run replaces as a whole, or not at all. Writers write hidden part files
 * ({@code .alerts.jsonl.<random>.part-<subtask>}) in the target's directory; {@link #commit()}
 * joins them in subtask order and moves the result over the target with one atomic rename, so the
 * target holds exactly this run's lines and a reader never sees it half written. {@link #close()}
 * without a commit (a failed run) deletes the parts and leaves the target as it was.
 *
 * <p>The parts live next to the target because a rename is only atomic within one file system. A
 * process killed mid-run cannot clean up: its hidden parts stay behind, the target is untouched.
 */
public final class StagedFile implements AutoCloseable {
    private static final String PART = ".part-";

    private final Path target;
    private final Path directory;
    private final String prefix;
    private boolean committed;

    private StagedFile(Path target, Path directory, String prefix) {
        this.target = target;
        this.directory = directory;
        this.prefix = prefix;
    }

    /** Stages a new version of {@code target}, creating its directory if needed. */
    public static StagedFile of(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        // Random, so two runs writing into the same directory at once never share parts.
        String prefix = "." + absolute.getFileName() + "." + UUID.randomUUID();
        return new StagedFile(target, directory, prefix);
    }

    public Path target() {
        return target;
    }

    /** What the writers need to name their parts: see {@link #part(String, int)}. */
    public String partPrefix() {
        return directory.resolve(prefix).toString();
    }

    /** The part file of one writer subtask. */
    static Path part(String partPrefix, int subtask) {
        return Path.of(partPrefix + PART + subtask);
    }

    /**
     * Replaces the target with the parts joined in subtask order (an empty file when no writer
     * wrote a part), synced to disk before the rename, and removes the parts.
     */
    public void commit() throws IOException {
        if (committed) {
            throw new IllegalStateException(target + " is already committed");
        }
        List<Path> parts = parts();
        Path joined;
        if (parts.size() == 1) {
            joined = parts.get(0);
        } else {
            joined = directory.resolve(prefix + ".tmp");
            try (FileChannel out =
                    FileChannel.open(
                            joined, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (Path part : parts) {
                    try (FileChannel in = FileChannel.open(part, StandardOpenOption.READ)) {
                        long size = in.size();
                        long done = 0;
                        while (done < size) {
                            done += in.transferTo(done, size - done, out);
                        }
                    }
                }
            }
        }
        // Without the sync a crash soon after the rename can leave an empty file behind the name.
        try (FileChannel sync = FileChannel.open(joined, StandardOpenOption.WRITE)) {
            sync.force(true);
        }
        Files.move(
                joined,
                target,
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        committed = true;
        deleteLeftovers();
    }

    /** Deletes whatever this staging left behind; the target stays as it is. */
    @Override
    public void close() throws IOException {
        deleteLeftovers();
    }

    private List<Path> parts() throws IOException {
        List<Path> parts = new ArrayList<>();
        try (DirectoryStream<Path> files = list(prefix + PART)) {
            files.forEach(parts::add);
        }
        parts.sort(Comparator.comparingInt(StagedFile::subtask));
        return parts;
    }

    private static int subtask(Path part) {
        String name = part.getFileName().toString();
        return Integer.parseInt(name.substring(name.lastIndexOf(PART) + PART.length()));
    }

    private void deleteLeftovers() throws IOException {
        try (DirectoryStream<Path> files = list(prefix + ".")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    // A filter rather than a glob: the target's name may hold glob characters such as '['.
    private DirectoryStream<Path> list(String namePrefix) throws IOException {
        return Files.newDirectoryStream(
                directory, file -> file.getFileName().toString().startsWith(namePrefix));
    }
}
