package dev.xaa4j.bridge;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * The process's real standard output: what {@code xaa} prints for its user, and the JSON-RPC channel of
 * {@code xaa bridge}. The launcher gives the JVM stderr as its fd 1, so that everything the JVM itself prints
 * ({@code -verbose:gc}, {@code -Xlog}, {@code -XX:+PrintFlagsFinal}, {@code --show-version}, crash notes) lands
 * on stderr, and hands the real stdout over as another descriptor named by the system property
 * {@value #FD_PROPERTY}. Without that property (e.g. {@code java -jar xaa.jar}) it is fd 1.
 *
 * <p>The descriptor is adopted by number (the jar's manifest opens {@code java.io} for that): a path such as
 * {@code /dev/fd/3} cannot be opened when it is a socket, which is what Node-based AI clients give their
 * servers as stdio.
 */
public final class StandardOutput {

    static final String FD_PROPERTY = "xaa.stdout.fd";
    private static volatile FileDescriptor descriptor = FileDescriptor.out;

    private StandardOutput() {
    }

    /** Adopts the descriptor the launcher named, and makes {@code System.out} write to it. Call first thing. */
    static void adopt() {
        String n = System.getProperty(FD_PROPERTY);
        if (n == null) {
            return;
        }
        try {
            java.lang.reflect.Constructor<FileDescriptor> c = FileDescriptor.class.getDeclaredConstructor(int.class);
            c.setAccessible(true);
            FileDescriptor fd = c.newInstance(Integer.parseInt(n));
            descriptor = fd;
            System.setOut(new PrintStream(new BufferedOutputStream(new FileOutputStream(fd), 8192), true));
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("xaa: cannot use file descriptor " + n + " as stdout (" + e + "); the JVM's own "
                    + "output may mix with it");
        }
    }

    /** A new buffered stream on the real stdout (flush it; never close it). */
    public static OutputStream open(int bufferSize) {
        return new BufferedOutputStream(new FileOutputStream(descriptor), bufferSize);
    }
}
