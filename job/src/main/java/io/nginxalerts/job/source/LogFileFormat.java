package io.nginxalerts.job.source;

import io.nginxalerts.core.parse.RejectReason;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads an access log file (any of the three input shapes; {@code .gz} is decompressed by the
 * FileSource) line by line into {@link ParsedRecord}s. The origin is the file name, the offset is
 * the 1-based line number. A line over the size limit is not held in memory: its first bytes are
 * kept for the dead letter and the rest is skipped.
 */
public final class LogFileFormat extends SimpleStreamFormat<ParsedRecord> {
    private static final long serialVersionUID = 1L;

    private final RecordParser parser;
    private final String origin;

    public LogFileFormat(RecordParser parser, String origin) {
        this.parser = parser;
        this.origin = origin;
    }

    @Override
    public StreamFormat.Reader<ParsedRecord> createReader(
            Configuration config, FSDataInputStream in) {
        return new LineReader(new BufferedInputStream(in, 1 << 16), parser, origin);
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }

    private static final class LineReader implements StreamFormat.Reader<ParsedRecord> {
        private final InputStream in;
        private final RecordParser parser;
        private final String origin;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        private long lineNumber;

        LineReader(InputStream in, RecordParser parser, String origin) {
            this.in = in;
            this.parser = parser;
            this.origin = origin;
        }

        @Override
        public ParsedRecord read() throws IOException {
            line.reset();
            boolean tooLong = false;
            long length = 0;
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                length++;
                if (length <= parser.maxLineBytes()) {
                    line.write(b);
                } else {
                    tooLong = true;
                }
            }
            if (b == -1 && length == 0) {
                return null;
            }
            lineNumber++;
            byte[] bytes = line.toByteArray();
            int n = bytes.length;
            if (!tooLong && n > 0 && bytes[n - 1] == '\r') {
                bytes = java.util.Arrays.copyOf(bytes, n - 1);
            }
            if (tooLong) {
                return parser.rejected(
                        RejectReason.TOO_LARGE,
                        "line of "
                                + length
                                + " bytes exceeds the limit of "
                                + parser.maxLineBytes(),
                        bytes,
                        origin,
                        0,
                        lineNumber);
            }
            return parser.parse(bytes, origin, 0, lineNumber);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
