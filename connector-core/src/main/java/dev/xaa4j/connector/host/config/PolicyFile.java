package dev.xaa4j.connector.host.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A JSON policy file ({@code /etc/xaa4j/policy.json}, {@code $XAA_POLICY}, …); a missing file is no policy. */
record PolicyFile(Path file) implements PolicyStore {

    private static final ObjectMapper MAPPER = ManagedPolicy.JSON;

    @Override
    public String where() {
        return "policy file " + file;
    }

    @Override
    public Optional<ManagedPolicy> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ManagedPolicy.parse(where(), MAPPER.readTree(file.toFile())));
        } catch (JsonProcessingException e) {
            throw new MalformedPolicyException(where(), "not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw new MalformedPolicyException(where(), "cannot be read (" + e.getMessage() + ")");
        }
    }

    @Override
    public String fingerprint() {
        return fingerprint(file);
    }

    /** Modification time and size of {@code file}, "" when it is missing. */
    static String fingerprint(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file);
        } catch (IOException e) {
            return "";
        }
    }
}
