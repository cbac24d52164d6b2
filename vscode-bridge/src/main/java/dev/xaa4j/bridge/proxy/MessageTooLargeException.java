package dev.xaa4j.bridge.proxy;

import java.io.IOException;

/**
 * A message over {@link MessageLimit} was skipped; the stream it came on is still usable (read on for the next
 * message).
 */
final class MessageTooLargeException extends IOException {

    MessageTooLargeException(String what) {
        super(MessageLimit.tooLarge(what));
    }
}
