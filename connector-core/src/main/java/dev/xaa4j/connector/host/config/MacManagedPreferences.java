package dev.xaa4j.connector.host.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The policy in macOS managed preferences, domain {@code dev.xaa4j}, as a configuration profile (MDM) delivers it:
 * {@code /Library/Managed Preferences/dev.xaa4j.plist} for the computer and
 * {@code /Library/Managed Preferences/USER/dev.xaa4j.plist} for one user. Each is converted with
 * {@code plutil -convert json -o - FILE} through {@link PlatformTool}; its top-level keys are those of the policy
 * file. As macOS resolves managed preferences, key by key the user's value wins over the computer's (a top-level
 * key of the user's plist replaces the computer's whole). No plist (or no {@code plutil}) is no policy; a plist
 * {@code plutil} cannot convert to JSON (e.g. it holds a date or data) is a fault. Immutable.
 */
final class MacManagedPreferences implements PolicyStore {

    /** The directory profiles are installed to. */
    static final Path ROOT = Path.of("/Library/Managed Preferences");
    /** The preference domain, and the plist's name without {@code .plist}. */
    static final String DOMAIN = "dev.xaa4j";

    private static final ObjectMapper MAPPER = ManagedPolicy.JSON;
    /** Run by its absolute path: a {@code plutil} earlier on {@code PATH} must not replace the policy. */
    static final String PLUTIL = "/usr/bin/plutil";

    private final Path computer;
    private final Path user;
    private final PlatformTool tool;

    /**
     * @param root     {@link #ROOT} (a temporary directory in tests)
     * @param userName the login name whose per-user plist is read; blank: none
     */
    MacManagedPreferences(Path root, String userName, PlatformTool tool) {
        this.computer = root.resolve(DOMAIN + ".plist");
        this.user = userName == null || userName.isBlank() || userName.contains("/") || userName.startsWith(".")
                ? null : root.resolve(userName).resolve(DOMAIN + ".plist");
        this.tool = tool;
    }

    private List<Path> files() {
        List<Path> files = new ArrayList<>();
        if (user != null) {
            files.add(user);
        }
        files.add(computer);
        return files;
    }

    @Override
    public String where() {
        return "managed preferences " + files().stream().map(Path::toString).collect(Collectors.joining(" over "));
    }

    @Override
    public Optional<ManagedPolicy> read() {
        List<Path> present = files().stream().filter(Files::exists).toList();
        if (present.isEmpty()) {
            return Optional.empty();
        }
        String where = "managed preferences " + present.stream().map(Path::toString).collect(Collectors.joining(" over "));
        ObjectNode merged = MAPPER.createObjectNode();
        for (int i = present.size() - 1; i >= 0; i--) { // the computer's first, then the user's keys over them
            Path file = present.get(i);
            JsonNode tree = convert(file, where);
            if (!tree.isObject()) {
                throw new MalformedPolicyException(where, file + " must hold a dictionary");
            }
            tree.fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
        }
        return Optional.of(ManagedPolicy.parse(where, merged));
    }

    /** The plist's JSON; a plist that exists but cannot be converted (no {@link #PLUTIL} too) fails closed. */
    private JsonNode convert(Path file, String where) {
        Optional<PlatformTool.Output> out;
        try {
            out = tool.run(List.of(PLUTIL, "-convert", "json", "-o", "-", file.toString()));
        } catch (UncheckedIOException e) {
            throw new MalformedPolicyException(where, file + " cannot be read (" + e.getCause().getMessage() + ")");
        }
        if (out.isEmpty()) {
            throw new MalformedPolicyException(where, file + " cannot be read: " + PLUTIL + " cannot be started");
        }
        if (out.get().exitCode() != 0) {
            throw new MalformedPolicyException(where, "plutil cannot convert " + file + " to JSON ("
                    + (out.get().stderr().strip() + " " + out.get().stdout().strip()).strip()
                    + "); it may hold only dictionaries, arrays, strings and booleans");
        }
        try {
            return MAPPER.readTree(out.get().stdout());
        } catch (JsonProcessingException e) {
            throw new MalformedPolicyException(where, "plutil printed no JSON for " + file + " (" + e.getOriginalMessage() + ")");
        }
    }

    @Override
    public String fingerprint() {
        return files().stream().map(PolicyFile::fingerprint).collect(Collectors.joining("|"));
    }
}
