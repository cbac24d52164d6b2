/**
 * The {@code xaa} command ({@link dev.xaa4j.bridge.Main}): {@code xaa bridge SERVER}, the stdio MCP bridge AI
 * clients launch ({@link dev.xaa4j.bridge.proxy}), plus login, status, token, install, doctor, server and
 * agent ({@link dev.xaa4j.bridge.cli}) over the per-user configuration ({@link dev.xaa4j.connector.host.config}).
 * See docs/architecture.md.
 */
package dev.xaa4j.bridge;
