package io.nginxalerts.demo;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Sends access-log lines on its own thread to a line sink (the Kafka topic, as Logstash would).
 * Counts what it sent; {@link #isFinished()} becomes true when the input is exhausted (never for a
 * followed log or live generated traffic).
 */
abstract class Feed implements Runnable, AutoCloseable {
    private final Consumer<byte[]> sink;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean stopped;
    private volatile boolean finished;
    private volatile Throwable failure;

    Feed(Consumer<byte[]> sink) {
        this.sink = sink;
    }

    /** Produces lines until the input ends or {@link #close()}. */
    protected abstract void feed() throws Exception;

    /** What the feed reads, for the start banner. */
    abstract String describe();

    @Override
    public final void run() {
        try {
            feed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            failure = e;
        } finally {
            finished = true;
        }
    }

    protected final void send(byte[] line) {
        sink.accept(line);
        sent.incrementAndGet();
    }

    protected final boolean stopped() {
        return stopped;
    }

    long sent() {
        return sent.get();
    }

    boolean isFinished() {
        return finished;
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        stopped = true;
    }
}
