package io.nginxalerts.worker;

import io.nginxalerts.core.alert.Alert;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends one JSON line per alert to a file and flushes it before reporting success. After a write
 * error the file is reopened on the next attempt (it may have been rotated or the disk freed).
 */
final class FileOutput implements Output {
    private final Path path;
    private BufferedWriter writer;

    FileOutput(Path path) {
        this.path = path;
    }

    @Override
    public String describe() {
        return "file " + path;
    }

    @Override
    public synchronized void deliver(Alert alert, String json) throws DeliveryException {
        try {
            if (writer == null) {
                writer =
                        Files.newBufferedWriter(
                                path,
                                StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND,
                                StandardOpenOption.WRITE);
            }
            writer.write(json);
            writer.write('\n');
            writer.flush();
        } catch (IOException | UncheckedIOException e) {
            closeQuietly();
            throw DeliveryException.retryable("writing " + path + " failed: " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException ignored) {
                // The next attempt opens a new writer; nothing else to do with this one.
            }
            writer = null;
        }
    }
}
