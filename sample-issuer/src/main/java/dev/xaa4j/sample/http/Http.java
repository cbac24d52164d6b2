package dev.xaa4j.sample.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Small servlet response helpers shared by the IdP, the AS and the MCP servers. */
public final class Http {

    public static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    /** Writes {@code body} as JSON with {@code Cache-Control: no-store}. */
    public static void json(HttpServletResponse resp, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        resp.setStatus(status);
        resp.setContentType("application/json;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    /** Writes a Nimbus response (token success or error) as is. */
    public static void nimbus(HttpServletResponse resp, HTTPResponse httpResponse) throws IOException {
        JakartaServletUtils.applyHTTPResponse(httpResponse, resp);
    }

    /**
     * An RFC 6749 §5.2 token error. {@code invalid_client} answers 401, {@code server_error} 500, every other
     * code 400.
     */
    public static void tokenError(HttpServletResponse resp, ErrorObject code, String description)
            throws IOException {
        int status = switch (code.getCode()) {
            case "invalid_client" -> 401;
            case "server_error" -> 500;
            default -> 400;
        };
        ErrorObject err = new ErrorObject(code.getCode(), description, status);
        HTTPResponse r = new TokenErrorResponse(err).toHTTPResponse();
        if (status == 401) {
            r.setHeader("WWW-Authenticate", "Basic realm=\"token\"");
        }
        nimbus(resp, r);
    }

    public static void text(HttpServletResponse resp, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType(contentType + ";charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
}
