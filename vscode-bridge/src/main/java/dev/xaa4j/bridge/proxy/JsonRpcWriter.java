package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of the bridge's stdout: one compact JSON-RPC message per line, flushed per message.
 * Thread-safe; concurrent writers never interleave. Re-serializing (instead of copying upstream bytes) is
 * what guarantees one message per line whatever whitespace the server used.
 */
final class JsonRpcWriter {

    private static final Logger LOG = LoggerFactory.getLogger(JsonRpcWriter.class);

    private final OutputStream out;
    private final ObjectMapper mapper;
    private boolean broken;

    JsonRpcWriter(OutputStream out, ObjectMapper mapper) {
        this.out = out;
        this.mapper = mapper;
    }

    synchronized void write(JsonNode message) {
        if (broken) {
            return;
        }
        try {
            out.write(mapper.writeValueAsBytes(message));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            // The client went away; stdin EOF will follow and end the bridge.
            broken = true;
            LOG.warn("cannot write to stdout any more: {}", e.toString());
        }
    }
}
