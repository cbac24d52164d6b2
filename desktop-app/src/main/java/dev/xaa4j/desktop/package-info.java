/**
 * The JavaFX tray app: sign in once, see every server's state, sign out; hosts the engine and the local
 * broker. Placeholder until its issue lands; see DESIGN.md.
 */
package dev.xaa4j.desktop;
