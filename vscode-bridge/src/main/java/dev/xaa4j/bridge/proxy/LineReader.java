package dev.xaa4j.bridge.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Lines of a UTF-8 byte stream, each kept only up to a limit: a longer line is read to its end and reported as
 * too long, with its first {@value #HEAD} bytes, so no line costs more memory than the limit. Line ends are LF
 * (a CR before it is dropped) and, for {@code text/event-stream} (WHATWG HTML §9.2.5), also a CR alone.
 * Not thread-safe: one reader per stream.
 */
final class LineReader {

    /** How much of a too-long line is kept (for the id of a message). */
    static final int HEAD = 4096;

    /** One line: {@code text} without its end, or null when the line was longer than the limit. */
    record Line(String text, String head) {
        boolean tooLong() {
            return text == null;
        }
    }

    private final InputStream in;
    private final int max;
    private final boolean crEndsLine;
    private final byte[] buffer;
    private int pos;
    private int end;
    private boolean lfAfterCr;
    private byte[] line = new byte[256];
    private int length;
    private boolean tooLong;

    /**
     * @param max        the longest line kept, in bytes
     * @param bufferSize bytes read ahead from {@code in}; 1 reads nothing past the end of a line
     * @param crEndsLine whether a CR alone ends a line (SSE); else only LF does (newline-delimited JSON)
     */
    LineReader(InputStream in, int max, int bufferSize, boolean crEndsLine) {
        this.in = in;
        this.max = max;
        this.crEndsLine = crEndsLine;
        this.buffer = new byte[bufferSize];
    }

    /** The next line, or null at the end of the stream. */
    Line next() throws IOException {
        boolean any = false;
        while (true) {
            if (pos == end) {
                int n = in.read(buffer);
                if (n < 0) {
                    return any || length > 0 || tooLong ? finish() : null;
                }
                pos = 0;
                end = n;
            }
            if (lfAfterCr) {
                lfAfterCr = false;
                if (buffer[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            any = true;
            int start = pos;
            while (pos < end && buffer[pos] != '\n' && !(crEndsLine && buffer[pos] == '\r')) {
                pos++;
            }
            append(start, pos - start);
            if (pos < end) {
                lfAfterCr = buffer[pos++] == '\r';
                return finish();
            }
        }
    }

    private void append(int from, int n) {
        if (tooLong || n == 0) {
            return;
        }
        if ((long) length + n > max) {
            tooLong = true;
            int keep = Math.min(n, Math.max(0, HEAD - length));
            ensure(length + keep);
            System.arraycopy(buffer, from, line, length, keep);
            length += keep;
            return;
        }
        ensure(length + n);
        System.arraycopy(buffer, from, line, length, n);
        length += n;
    }

    private void ensure(int capacity) {
        if (capacity > line.length) {
            line = java.util.Arrays.copyOf(line, (int) Math.min(Math.max((long) line.length * 2, capacity), Integer.MAX_VALUE - 8));
        }
    }

    private Line finish() {
        int n = length;
        if (!crEndsLine && n > 0 && line[n - 1] == '\r') {
            n--;
        }
        String text = new String(line, 0, Math.min(n, tooLong ? HEAD : n), StandardCharsets.UTF_8);
        Line result = tooLong ? new Line(null, text) : new Line(text, null);
        length = 0;
        tooLong = false;
        if (line.length > (1 << 20)) {
            line = new byte[256]; // a big line's array is not kept for the small ones that follow
        }
        return result;
    }
}
