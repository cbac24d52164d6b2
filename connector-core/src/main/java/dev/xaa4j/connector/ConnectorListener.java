package dev.xaa4j.connector;

/**
 * Receives {@link ConnectorEvent}s (sign-in, tokens issued, renewal failures, revocations; docs/protocol.md §4–§5). Called synchronously on the thread that caused the event (usually a
 * renewal thread, never a caller's cached {@code token()} hit); keep it short and do not block. Exceptions
 * thrown by a listener are logged and ignored.
 */
@FunctionalInterface
public interface ConnectorListener {
    void onEvent(ConnectorEvent event);
}
