package io.nginxalerts.job.sink;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Writes each element as one JSON line to a local file (appending) or to standard output. Meant for
 * local, single-writer runs such as {@code backtest}: use it with parallelism 1. Each line is
 * flushed as written, so a reader following the file sees alerts as they happen.
 */
public final class JsonLinesSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final SerializableFunction<T, String> encoder;

    private JsonLinesSink(String path, SerializableFunction<T, String> encoder) {
        this.path = path;
        this.encoder = encoder;
    }

    /** Lines to {@code path}, or to standard output when {@code path} is null or {@code -}. */
    public static <T> JsonLinesSink<T> to(String path, SerializableFunction<T, String> encoder) {
        return new JsonLinesSink<>(path == null || path.equals("-") ? null : path, encoder);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        Writer out;
        if (path == null) {
            out = new OutputStreamWriter(new NonClosingStream(System.out), StandardCharsets.UTF_8);
        } else {
            Path file = Path.of(path);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            out =
                    Files.newBufferedWriter(
                            file,
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
        }
        BufferedWriter writer = new BufferedWriter(out);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) throws IOException {
                writer.write(encoder.apply(element));
                writer.write('\n');
                writer.flush();
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                writer.flush();
            }

            @Override
            public void close() throws IOException {
                writer.close();
            }
        };
    }

    /** Keeps {@code System.out} open when the writer closes. */
    private static final class NonClosingStream extends java.io.FilterOutputStream {
        NonClosingStream(PrintStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
