/**
 * The {@code xaa} command: a stdio MCP bridge that AI clients launch, plus login, status, token, install,
 * doctor and agent. Placeholder until its issue lands; see DESIGN.md.
 */
package dev.xaa4j.bridge;
