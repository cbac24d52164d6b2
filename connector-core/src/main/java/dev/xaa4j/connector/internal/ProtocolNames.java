package dev.xaa4j.connector.internal;

import com.nimbusds.common.contenttype.ContentType;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.BearerTokenError;

/**
 * The HTTP and OAuth names that the engine, the MCP SDK adapter and the bridge all send or read, defined once
 * (Nimbus's values where Nimbus has them). The ID-JAG names are in {@code internal.grant.IdJag}; OAuth error
 * codes are Nimbus's {@code OAuth2Error.*_CODE}.
 */
public final class ProtocolNames {

    /** The request header that carries the access token (RFC 6750 §2.1). */
    public static final String AUTHORIZATION = "Authorization";
    /** The response header with the authentication challenges (RFC 9110 §11.6.1). */
    public static final String WWW_AUTHENTICATE = "WWW-Authenticate";
    /** The {@code Bearer} scheme and token type (RFC 6750 §1.1). */
    public static final String BEARER = AccessTokenType.BEARER.getValue();
    /** The challenge parameter naming the protected resource metadata (RFC 9728 §5.1). */
    public static final String RESOURCE_METADATA = "resource_metadata";
    /** The challenge parameter with the scopes a request needs (RFC 6750 §3). */
    public static final String SCOPE = "scope";
    /** The {@code error} of a 403 that asks for more scopes (RFC 6750 §3.1). */
    public static final String INSUFFICIENT_SCOPE = BearerTokenError.INSUFFICIENT_SCOPE.getCode();
    /** The JSON media type of metadata and token responses (RFC 8259). */
    public static final String APPLICATION_JSON = ContentType.APPLICATION_JSON.getType();
    /** The media type of an SSE stream (MCP Streamable HTTP and HTTP+SSE transports). */
    public static final String EVENT_STREAM = "text/event-stream";

    private ProtocolNames() {
    }
}
