package io.nginxalerts.core.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NginxConf#logFormat(Path, String)} reads {@code include}d files as nginx does: in place,
 * relative to the main file's directory, globs in name order, a missing plain file refused.
 */
class NginxConfIncludeTest {
    @TempDir Path etc;

    @Test
    void findsAFormatDefinedInAFileIncludedByAGlob() throws IOException {
        Path conf =
                write(
                        "nginx.conf",
                        "http {\n  include mime.types;\n  include conf.d/*.conf;\n  server {}\n}\n");
        write("mime.types", "types { text/html html; }\n");
        write("conf.d/10-formats.conf", "log_format edge '$remote_addr [$time_local] $status';\n");
        write("conf.d/20-site.conf", "server { access_log /var/log/nginx/a.log edge; }\n");
        write("conf.d/README", "log_format edge 'not read: not a .conf';\n");

        LogFormat edge = NginxConf.logFormat(conf, "edge");

        assertThat(edge.source()).isEqualTo("$remote_addr [$time_local] $status");
    }

    @Test
    void includesInIncludedFilesAreTakenFromTheMainFilesDirectory() throws IOException {
        Path conf = write("nginx.conf", "http { include sites/site.conf; }\n");
        // nginx resolves this against its configuration prefix, not against sites/.
        write("sites/site.conf", "include snippets/log.conf;\n");
        write(
                "snippets/log.conf",
                "log_format nested escape=json '{\"ip\":\"$remote_addr\",\"t\":\"$msec\",\"s\":$status}';\n");

        assertThat(NginxConf.logFormat(conf, "nested").source())
                .isEqualTo("{\"ip\":\"$remote_addr\",\"t\":\"$msec\",\"s\":$status}");
    }

    @Test
    void aGlobMatchingNothingIsSkippedAndTheFormatsBeforeAndAfterAreRead() throws IOException {
        Path conf =
                write(
                        "nginx.conf",
                        "log_format a '$remote_addr $msec $status';\n"
                                + "include conf.d/*.conf;\n"
                                + "log_format b '$status $remote_addr $msec';\n");

        assertThat(NginxConf.logFormat(conf, "b").source()).isEqualTo("$status $remote_addr $msec");
        assertThat(NginxConf.logFormat(conf, "a").source()).isEqualTo("$remote_addr $msec $status");
    }

    @Test
    void aMissingIncludedFileIsAnErrorNamingItAndTheFileThatIncludesIt() throws IOException {
        Path conf = write("nginx.conf", "http { include formats.conf; }\n");

        assertThatThrownBy(() -> NginxConf.logFormat(conf, "main"))
                .isInstanceOf(LogFormatException.class)
                .hasMessageContaining("include formats.conf in " + conf)
                .hasMessageContaining("no file " + etc.resolve("formats.conf"));
    }

    @Test
    void aFileThatIncludesItselfIsAnError() throws IOException {
        Path conf = write("nginx.conf", "include a.conf;\n");
        write("a.conf", "include b.conf;\n");
        write("b.conf", "include a.conf;\n");

        assertThatThrownBy(() -> NginxConf.logFormat(conf, "main"))
                .isInstanceOf(LogFormatException.class)
                .hasMessageContaining("include cycle: " + conf + " -> " + etc.resolve("a.conf"))
                .hasMessageEndingWith(etc.resolve("a.conf") + " includes itself again");
    }

    @Test
    void anIncludeInsideAQuotedFormatIsText() throws IOException {
        Path conf =
                write("nginx.conf", "log_format q 'include x.conf; $remote_addr $msec $status';\n");

        assertThat(NginxConf.logFormat(conf, "q").source())
                .isEqualTo("include x.conf; $remote_addr $msec $status");
    }

    @Test
    void theNamesInTheMessageOfAnUnknownFormatIncludeThoseOfIncludedFiles() throws IOException {
        Path conf = write("nginx.conf", "log_format a '$status';\ninclude more.conf;\n");
        write("more.conf", "log_format b '$status';\n");

        assertThatThrownBy(() -> NginxConf.logFormat(conf, "c"))
                .isInstanceOf(LogFormatException.class)
                .hasMessageContaining("(there are: a, b)");
    }

    private Path write(String name, String text) throws IOException {
        Path file = etc.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }
}
