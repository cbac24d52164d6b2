package dev.xaa4j.sample.as;

import com.nimbusds.oauth2.sdk.ErrorObject;
import java.util.Objects;

/**
 * A token request the AS refuses: the RFC 6749 §5.2 error code and a description a person can act on.
 * The description never contains token bytes or secrets.
 */
final class GrantRejected extends Exception {

    private final ErrorObject error;

    GrantRejected(ErrorObject error, String description) {
        super(description, null, false, false);
        this.error = Objects.requireNonNull(error, "error");
    }

    ErrorObject error() {
        return error;
    }
}
