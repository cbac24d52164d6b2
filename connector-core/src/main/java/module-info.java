/**
 * xaa4j connector: Enterprise-Managed Authorization (Cross-App Access) for MCP clients.
 *
 * <p>Exported, with compatibility promises: {@code dev.xaa4j.connector} (the facade, its values, events and
 * errors) and {@code dev.xaa4j.connector.mcp} (the MCP Java SDK adapter). Everything else is not exported:
 * {@code dev.xaa4j.connector.internal.*} is the engine, {@code dev.xaa4j.connector.host.*} the infrastructure
 * the {@code xaa} command and the tray app share (per-user config file, AI-client entries, broker, platform
 * directories). See docs/architecture.md "Public API".
 */
module dev.xaa4j.connector {
    requires java.net.http;
    requires java.desktop;
    requires jdk.httpserver;
    requires jdk.security.auth;
    requires oauth2.oidc.sdk;
    requires content.type;
    requires com.nimbusds.jose.jwt;
    requires json.smart;
    requires com.fasterxml.jackson.databind;
    requires java.keyring;
    requires org.slf4j;
    requires transitive io.modelcontextprotocol.sdk.mcp.core;
    requires reactor.core;
    requires org.reactivestreams;

    exports dev.xaa4j.connector;
    exports dev.xaa4j.connector.mcp;
}
