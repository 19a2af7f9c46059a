package io.nginxalerts.job.sink;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Writes each element as one JSON line, to standard output or to the part files of a {@link
 * StagedFile}.
 *
 * <p>To standard output every line is flushed as written, so {@code backtest ... | jq} sees alerts
 * as they happen; use it with parallelism 1, or lines of several subtasks interleave. To a staged
 * file each subtask writes its own part ({@code <prefix>.part-<subtask>}), truncated when the
 * writer opens, so a restarted attempt starts its part afresh; any parallelism works. Nothing
 * reaches the target file until the caller commits the {@link StagedFile} after the job finished
 * successfully: the target then holds exactly that run's lines, with each subtask's lines in the
 * order it wrote them.
 */
public final class JsonLinesSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    /** The part file prefix of a {@link StagedFile}, or null for standard output. */
    private final String partPrefix;

    private final SerializableFunction<T, String> encoder;

    private JsonLinesSink(String partPrefix, SerializableFunction<T, String> encoder) {
        this.partPrefix = partPrefix;
        this.encoder = encoder;
    }

    /** Lines to standard output, flushed line by line. */
    public static <T> JsonLinesSink<T> toStdout(SerializableFunction<T, String> encoder) {
        return new JsonLinesSink<>(null, encoder);
    }

    /** Lines to the parts of {@code file}; they reach its target when the caller commits it. */
    public static <T> JsonLinesSink<T> toParts(
            StagedFile file, SerializableFunction<T, String> encoder) {
        return new JsonLinesSink<>(file.partPrefix(), encoder);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        boolean lineByLine = partPrefix == null;
        Writer out;
        if (lineByLine) {
            out = new OutputStreamWriter(new NonClosingStream(System.out), StandardCharsets.UTF_8);
        } else {
            // Truncate: a restarted attempt replays its input from the start, so it must not
            // append to what the failed attempt wrote.
            out =
                    Files.newBufferedWriter(
                            StagedFile.part(
                                    partPrefix, context.getTaskInfo().getIndexOfThisSubtask()),
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE);
        }
        BufferedWriter writer = new BufferedWriter(out);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) throws IOException {
                writer.write(encoder.apply(element));
                writer.write('\n');
                if (lineByLine) {
                    writer.flush();
                }
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
