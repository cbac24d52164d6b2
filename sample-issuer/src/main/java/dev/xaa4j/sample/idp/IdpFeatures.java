package dev.xaa4j.sample.idp;

import java.util.Map;

/**
 * The IdP's optional features, switchable at run time ({@code POST /admin/idp-features}) so a client's fallbacks
 * can be tested. {@code refreshTokenSubject} (default on): token exchange accepts an IdP refresh token as
 * {@code subject_token} (ID-JAG draft -04 §4.3.2); off, the IdP answers such a request as an IdP without that
 * support does: {@code invalid_request} (RFC 8693 §2.2.2). Thread-safe.
 */
public final class IdpFeatures {

    private volatile boolean refreshTokenSubject = true;

    public boolean refreshTokenSubject() {
        return refreshTokenSubject;
    }

    public void refreshTokenSubject(boolean on) {
        this.refreshTokenSubject = on;
    }

    Map<String, Object> describe() {
        return Map.of("refreshTokenSubject", refreshTokenSubject);
    }
}
