package io.nginxalerts.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for the servers the tests, the demo and the benchmark start. */
public final class Ports {
    private Ports() {}

    /**
     * A loopback port that was free a moment ago, for servers that must be told their port before
     * they start (redis-server, a Flink REST endpoint, nginx); another process may take it first.
     */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code wanted} if nothing listens there on loopback, else a free port. */
    public static int preferred(int wanted) {
        try (ServerSocket ignored = new ServerSocket(wanted, 1, InetAddress.getLoopbackAddress())) {
            return wanted;
        } catch (IOException taken) {
            return free();
        }
    }
}
