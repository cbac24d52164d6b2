package dev.xaa4j.sample.keys;

import dev.xaa4j.sample.http.Http;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /jwks} (RFC 7517 §5; the IdP's OIDC Discovery {@code jwks_uri}, the AS's RFC 8414
 * {@code jwks_uri}): the public signing keys, current first and the previous one after a rotation, each with its
 * {@code kid}.
 */
public final class JwksServlet extends HttpServlet {

    private final SigningKeys keys;

    public JwksServlet(SigningKeys keys) {
        this.keys = keys;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Http.json(resp, 200, keys.publicJwks().toJSONObject(true));
    }
}
