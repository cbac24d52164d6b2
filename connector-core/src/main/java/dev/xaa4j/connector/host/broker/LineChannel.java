package dev.xaa4j.connector.host.broker;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Newline-delimited UTF-8 lines over a blocking {@link SocketChannel}. One thread reads while others write:
 * reads and writes go straight to the channel (the JDK 17 {@code Channels.newInputStream} adapter holds the
 * channel's blocking lock while it waits for input, which would stall every writer).
 */
final class LineChannel implements AutoCloseable {

    private final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(8192);
    private final Object writeLock = new Object();

    LineChannel(SocketChannel channel) {
        this.channel = channel;
        in.flip();
    }

    /** The next line without its terminator; {@code null} at end of stream. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        while (true) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
                if (line.size() > BrokerProtocol.MAX_LINE) {
                    throw new IOException("line longer than " + BrokerProtocol.MAX_LINE + " bytes");
                }
            }
            in.clear();
            int n = channel.read(in);
            in.flip();
            if (n < 0) {
                if (line.size() > 0) {
                    throw new EOFException("connection closed in the middle of a message");
                }
                return null;
            }
        }
    }

    void writeLine(String line) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        synchronized (writeLock) {
            while (out.hasRemaining()) {
                channel.write(out);
            }
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing: nothing left to tell the peer
        }
    }
}
