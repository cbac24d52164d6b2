/**
 * The per-user xaa configuration shared by the {@code xaa} command and the tray app: where it lives on each
 * platform ({@link dev.xaa4j.connector.host.config.ConfigPaths}), the IdP and named servers it holds (no secrets:
 * those are in the OS keyring), and the entries AI clients (VS Code, Claude Desktop, Cursor) get to launch
 * {@code xaa bridge} ({@link dev.xaa4j.connector.host.config.ClientInstaller}).
 */
package dev.xaa4j.connector.host.config;
