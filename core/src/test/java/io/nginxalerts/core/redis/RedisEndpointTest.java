package io.nginxalerts.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisEndpointTest {
    /** A password with every character a Redis URL makes awkward. */
    static final String AWKWARD_PASSWORD = "a+b c%d@e:f/g";

    static final String AWKWARD_ENCODED = "a+b%20c%25d%40e%3Af%2Fg";

    @Test
    void parsesUserPasswordDatabaseAndTls() {
        RedisEndpoint e = RedisEndpoint.parse("rediss://alerts:p%40ss@redis.internal:6380/2");
        assertThat(e.host()).isEqualTo("redis.internal");
        assertThat(e.port()).isEqualTo(6380);
        assertThat(e.user()).isEqualTo("alerts");
        assertThat(e.password()).isEqualTo("p@ss");
        assertThat(e.database()).isEqualTo(2);
        assertThat(e.tls()).isTrue();
    }

    @Test
    void defaultsToPort6379WithoutCredentials() {
        RedisEndpoint e = RedisEndpoint.parse("redis://localhost");
        assertThat(e.port()).isEqualTo(6379);
        assertThat(e.user()).isNull();
        assertThat(e.password()).isNull();
        assertThat(e.tls()).isFalse();
    }

    @Test
    void aPlusInThePasswordIsAPlus() {
        // The job once form-decoded the user info and logged in with "ab cd"; RFC 3986 keeps '+'.
        assertThat(RedisEndpoint.parse("redis://:ab+cd@host").password()).isEqualTo("ab+cd");
        assertThat(RedisEndpoint.parse("redis://ab+cd@host").password()).isEqualTo("ab+cd");
    }

    @Test
    void percentDecodesReservedCharactersAndSpacesInUserAndPassword() {
        RedisEndpoint e = RedisEndpoint.parse("redis://us%2Ber:" + AWKWARD_ENCODED + "@h:1/0");
        assertThat(e.user()).isEqualTo("us+er");
        assertThat(e.password()).isEqualTo(AWKWARD_PASSWORD);
        assertThat(RedisEndpoint.parse("redis://:p%C3%A4ss@h").password()).isEqualTo("päss");
    }

    @Test
    void refusesBrokenEscapesAndUnencodedSpacesWithoutEchoingThePassword() {
        assertThatThrownBy(() -> RedisEndpoint.parse("redis://u:sec%zzret@h"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("sec%zzret");
        assertThatThrownBy(() -> RedisEndpoint.parse("redis://u:top secret@h"))
                .hasMessageContaining("percent-encode")
                .hasMessageNotContaining("top secret");
        assertThatThrownBy(() -> RedisEndpoint.parse("redis://u:%FF%FE@h"))
                .hasMessageContaining("UTF-8");
    }

    @Test
    void treatsASingleUserInfoWordAsThePassword() {
        assertThat(RedisEndpoint.parse("redis://secret@localhost:6379").password())
                .isEqualTo("secret");
        assertThat(RedisEndpoint.parse("redis://:@localhost").password()).isNull();
    }

    @Test
    void neverShowsThePassword() {
        assertThat(RedisEndpoint.parse("redis://u:topsecret@h:1").toString())
                .isEqualTo("redis://u:***@h:1/0");
        assertThat(RedisEndpoint.parse("redis://topsecret@h:1").toString())
                .isEqualTo("redis://:***@h:1/0");
        assertThat(new RedisEndpoint("h", 1, "u", null, 2, true).toString())
                .isEqualTo("rediss://u@h:1/2");
        assertThat(RedisEndpoint.redact("redis://u:topsecret@h:1/0"))
                .isEqualTo("redis://u:***@h:1/0");
        assertThat(RedisEndpoint.redact("see redis://topsecret@h:1 and rediss://a:b@c"))
                .isEqualTo("see redis://***@h:1 and rediss://a:***@c");
    }

    @Test
    void refusesOtherSchemesWithoutEchoingSecrets() {
        assertThatThrownBy(() -> RedisEndpoint.parse("http://u:topsecret@h:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis://")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> RedisEndpoint.parse("redis://u:topsecret@h/x"))
                .hasMessageContaining("database 'x'")
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void aPasswordFileMakesTheSingleWordTheUser(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("pw"), AWKWARD_PASSWORD + "\n");
        RedisEndpoint e = RedisEndpoint.fromSettings("redis://alerts@h", file.toString(), null);
        assertThat(e.user()).isEqualTo("alerts");
        assertThat(e.password()).isEqualTo(AWKWARD_PASSWORD);

        RedisEndpoint noUser = RedisEndpoint.fromSettings("redis://h", file.toString(), null);
        assertThat(noUser.user()).isNull();
        assertThat(noUser.password()).isEqualTo(AWKWARD_PASSWORD);
    }

    @Test
    void settingErrorsNameTheOptionAndNeverTheSecret(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("pw"), "filesecret");
        assertThatThrownBy(
                        () ->
                                RedisEndpoint.fromSettings(
                                        "redis://u:urlsecret@h", file.toString(), null))
                .isInstanceOfSatisfying(
                        RedisEndpoint.InvalidRedisSetting.class,
                        e -> assertThat(e.option()).isEqualTo(RedisOption.PASSWORD_FILE))
                .hasMessageNotContaining("urlsecret")
                .hasMessageNotContaining("filesecret");
        Path twoLines = Files.writeString(tmp.resolve("two"), "one\ntwo");
        assertThatThrownBy(() -> RedisEndpoint.fromSettings("redis://h", twoLines.toString(), null))
                .hasMessageEndingWith("must hold one line")
                .hasMessageNotContaining("two\n");
        assertThatThrownBy(() -> RedisEndpoint.fromSettings("redis://h", null, file.toString()))
                .isInstanceOfSatisfying(
                        RedisEndpoint.InvalidRedisSetting.class,
                        e -> assertThat(e.option()).isEqualTo(RedisOption.TLS_CA_FILE))
                .hasMessageContaining("rediss://");
        assertThatThrownBy(() -> RedisEndpoint.fromSettings("redis://u:s3cret@h/x", null, null))
                .isInstanceOfSatisfying(
                        RedisEndpoint.InvalidRedisSetting.class,
                        e -> assertThat(e.option()).isEqualTo(RedisOption.URL))
                .hasMessageNotContaining("s3cret");
    }
}
