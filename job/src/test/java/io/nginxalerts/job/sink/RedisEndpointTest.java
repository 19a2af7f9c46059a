package io.nginxalerts.job.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisEndpointTest {
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
    void treatsASingleUserInfoWordAsThePassword() {
        assertThat(RedisEndpoint.parse("redis://secret@localhost:6379").password())
                .isEqualTo("secret");
    }

    @Test
    void neverShowsThePassword() {
        assertThat(RedisEndpoint.parse("redis://u:topsecret@h:1").toString())
                .isEqualTo("redis://u:***@h:1")
                .doesNotContain("topsecret");
        assertThat(RedisEndpoint.parse("redis://topsecret@h:1").toString())
                .doesNotContain("topsecret");
        assertThat(RedisEndpoint.redact("redis://u:topsecret@h:1/0"))
                .isEqualTo("redis://u:***@h:1/0");
    }

    @Test
    void refusesOtherSchemesWithoutEchoingSecrets() {
        assertThatThrownBy(() -> RedisEndpoint.parse("http://u:topsecret@h:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis://")
                .hasMessageNotContaining("topsecret");
    }
}
