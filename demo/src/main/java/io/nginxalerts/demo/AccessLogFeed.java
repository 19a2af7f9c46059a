package io.nginxalerts.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Reads a real nginx access log from the start and, unless {@code once}, keeps following it as
 * nginx appends, like {@code tail -F}: when the file is rotated (replaced by a new file, or
 * truncated) it finishes the old one and continues with the new one from its start. A line is only
 * sent once it is complete (ends with a newline).
 */
final class AccessLogFeed extends Feed {
    private static final long POLL_NANOS = 200_000_000L;

    private final Path path;
    private final boolean once;

    AccessLogFeed(Consumer<byte[]> sink, Path path, boolean once) {
        super(sink);
        this.path = path;
        this.once = once;
    }

    @Override
    String describe() {
        return "access log " + path + (once ? " (read once)" : " (followed, like tail -F)");
    }

    @Override
    protected void feed() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        while (!stopped()) {
            Object fileKey;
            try {
                fileKey = fileKey();
            } catch (NoSuchFileException e) {
                // Between a rotation's rename and the new file: wait for it.
                LockSupport.parkNanos(POLL_NANOS);
                continue;
            }
            try (InputStream in = Files.newInputStream(path)) {
                long position = 0;
                byte[] buffer = new byte[64 * 1024];
                while (!stopped()) {
                    int n = pump(in, buffer, line);
                    if (n > 0) {
                        position += n;
                        continue;
                    }
                    if (once) {
                        flushPartial(line);
                        return;
                    }
                    if (rotated(fileKey, position)) {
                        // Lines nginx wrote to the old file just before the rotation.
                        while (pump(in, buffer, line) > 0) {
                            // keep draining
                        }
                        flushPartial(line);
                        break;
                    }
                    LockSupport.parkNanos(POLL_NANOS);
                }
            }
        }
    }

    /** Reads once; sends every completed line; returns the bytes read (0 or less at the end). */
    private int pump(InputStream in, byte[] buffer, ByteArrayOutputStream line) throws IOException {
        int n = in.read(buffer);
        for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n') {
                send(line.toByteArray());
                line.reset();
            } else {
                line.write(buffer[i]);
            }
        }
        return n;
    }

    private void flushPartial(ByteArrayOutputStream line) {
        if (line.size() > 0) {
            send(line.toByteArray());
            line.reset();
        }
    }

    private Object fileKey() throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
        return a.fileKey() != null ? a.fileKey() : a.creationTime();
    }

    /** The path now names another file, or the file was truncated below what was read. */
    private boolean rotated(Object fileKey, long position) throws IOException {
        try {
            return !fileKey.equals(fileKey()) || Files.size(path) < position;
        } catch (NoSuchFileException e) {
            return true;
        }
    }
}
