package io.nginxalerts.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A receiver that accepts the connection and never answers cannot hold the worker: the request
 * times out after {@code --webhook-timeout} and counts as a retryable failure. (Redirects are
 * covered by {@code WebhookDeliveryITCase.doesNotFollowARedirectAndTreatsItAsAFailure}.)
 */
class WebhookTimeoutTest {
    @Test
    void aReceiverThatNeverAnswersTimesOutAsARetryableFailure() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread acceptor =
                    new Thread(
                            () -> {
                                try {
                                    while (true) {
                                        held.add(silent.accept()); // read nothing, answer nothing
                                    }
                                } catch (java.io.IOException closed) {
                                    // the test is over
                                }
                            });
            acceptor.setDaemon(true);
            acceptor.start();
            HttpPoster poster =
                    new HttpPoster(
                            HttpPoster.newClient(Duration.ofMillis(500)), Duration.ofMillis(700));
            URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/hook");

            long start = System.nanoTime();
            assertThatThrownBy(() -> poster.post(url, "webhook", List.of(), "id-1", "{}"))
                    .isInstanceOfSatisfying(
                            DeliveryException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining("timed out");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).isBetween(Duration.ofMillis(600), Duration.ofSeconds(10));
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
