/**
 * The JavaFX tray app: sign in once, see every server's state, sign out. {@link dev.xaa4j.desktop.DesktopLauncher}
 * (main) → {@link dev.xaa4j.desktop.DesktopApp} (FX application) → {@link dev.xaa4j.desktop.DesktopShell} (wiring)
 * → {@link dev.xaa4j.desktop.TraySession} (the connector from the shared {@code xaa} config file),
 * {@link dev.xaa4j.desktop.DesktopModel} (plain-Java view-model, fed off the FX thread),
 * {@link dev.xaa4j.desktop.MainWindow} and {@link dev.xaa4j.desktop.TrayController} (rendering only).
 */
package dev.xaa4j.desktop;
