package io.nginxalerts.worker;

import io.nginxalerts.core.alert.Alert;

/**
 * A place alerts are delivered to. {@link #deliver} returns normally only when the output has
 * accepted the alert (written and flushed, or answered 2xx); the worker acknowledges an alert in
 * Redis only after every output accepted it.
 *
 * <p>Implementations are used by one worker thread at a time.
 */
public interface Output extends AutoCloseable {

    /** A description safe to log: no passwords, tokens or webhook paths. */
    String describe();

    /**
     * @param alert the decoded alert
     * @param json the alert as one line of JSON ({@code AlertCodec.encode(alert)})
     * @throws DeliveryException if not accepted; it says whether trying again may help
     */
    void deliver(Alert alert, String json) throws DeliveryException;

    @Override
    default void close() {}
}
