package dev.xaa4j.sample.idp;

import com.nimbusds.oauth2.sdk.ErrorObject;

/**
 * A token request the IdP refuses: an RFC 6749 §5.2 error code and a description a person can act on. The
 * description never contains token bytes, codes or secrets.
 */
public final class GrantRejected extends Exception {

    private final transient ErrorObject error;

    public GrantRejected(ErrorObject error, String description) {
        super(description, null, false, false);
        this.error = error;
    }

    public ErrorObject error() {
        return error;
    }

    public String description() {
        return getMessage();
    }
}
