package dev.xaa4j.connector.host.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The policy in the Windows registry (Group Policy, Intune), read with {@code reg query KEY /s} through
 * {@link PlatformTool} (no native code). docs/admin.md "Windows registry" gives the two shapes:
 * <ul>
 *   <li>a value {@code Policy} (REG_SZ, or REG_MULTI_SZ whose lines are joined) holding the JSON of the policy
 *       file, and nothing else under the key; or</li>
 *   <li>one value per key of the policy file: subkeys are objects ({@code idp}, {@code servers\NAME}), REG_SZ and
 *       REG_EXPAND_SZ are strings, REG_MULTI_SZ arrays ({@code locked}, {@code scopes}), REG_DWORD 0/1 booleans
 *       ({@code dpop}, {@code agent}).</li>
 * </ul>
 * Both produce the policy file's JSON tree for {@link ManagedPolicy}'s strict parser. A key that does not exist
 * ({@code reg} exits 1) or an empty key is no policy; any other value type is a fault. {@code reg.exe} is run by
 * its absolute path ({@code %SystemRoot%\System32\reg.exe}), never looked up on {@code PATH}, and when it cannot
 * be started the policy cannot be known: a {@link MalformedPolicyException} (fail closed). Re-queried for
 * {@link #fingerprint()} at most every {@link #REQUERY}. Thread-safe.
 */
final class WindowsPolicyRegistry implements PolicyStore {

    /** The key Group Policy writes: {@code HKLM\Software\Policies\xaa4j}. */
    static final String KEY = "HKLM\\Software\\Policies\\" + ConfigPaths.APP;
    /** How often {@link #fingerprint()} asks {@code reg} again (a process each time; policies change rarely). */
    static final Duration REQUERY = Duration.ofSeconds(30);

    private static final ObjectMapper MAPPER = ManagedPolicy.JSON;
    /** A value line of {@code reg query}: four spaces, name, four spaces, type, four spaces, data (absent when empty). */
    private static final Pattern VALUE = Pattern.compile("^ {4}(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$");

    private final String key;
    private final PlatformTool tool;
    private final Object lock = new Object();
    private long lastQuery = Long.MIN_VALUE; // guarded by lock; System.nanoTime of the last fingerprint query
    private String lastFingerprint = "";    // guarded by lock

    private final String regExe;

    /** @param regExe the absolute path of {@code reg.exe} ({@link #regExe(Map)}) */
    WindowsPolicyRegistry(String key, String regExe, PlatformTool tool) {
        this.key = key;
        this.regExe = regExe;
        this.tool = tool;
    }

    /** {@code %SystemRoot%\System32\reg.exe}, {@code C:\Windows} when {@code SystemRoot} is not set. */
    static String regExe(java.util.Map<String, String> env) {
        String root = env.getOrDefault("SystemRoot", env.getOrDefault("SYSTEMROOT", "C:\\Windows"));
        return root + "\\System32\\reg.exe";
    }

    @Override
    public String where() {
        return "registry key " + key;
    }

    @Override
    public Optional<ManagedPolicy> read() {
        Optional<String> out;
        try {
            out = query();
        } catch (UncheckedIOException e) {
            throw new MalformedPolicyException(where(), "cannot be read (" + e.getCause().getMessage() + ")");
        }
        return out.flatMap(this::tree).map(root -> ManagedPolicy.parse(where(), root));
    }

    @Override
    public String fingerprint() {
        synchronized (lock) {
            long now = System.nanoTime();
            if (lastQuery == Long.MIN_VALUE || now - lastQuery >= REQUERY.toNanos()) {
                lastQuery = now;
                try {
                    lastFingerprint = query().map(s -> Integer.toHexString(s.hashCode()) + ":" + s.length()).orElse("");
                } catch (UncheckedIOException e) {
                    lastFingerprint = "unreadable";
                }
            }
            return lastFingerprint;
        }
    }

    /**
     * The output of {@code reg query KEY /s}; empty when the key does not exist.
     *
     * @throws UncheckedIOException {@code reg.exe} cannot be started or did not finish
     */
    private Optional<String> query() {
        Optional<PlatformTool.Output> out = tool.run(List.of(regExe, "query", key, "/s"));
        if (out.isEmpty()) {
            throw new UncheckedIOException(new java.io.IOException(regExe + " cannot be started"));
        }
        // a missing key is exit 1 with a (localized) message on stderr and nothing on stdout
        return out.filter(o -> o.exitCode() == 0 && !o.stdout().isBlank()).map(PlatformTool.Output::stdout);
    }

    /** The policy file's JSON tree of a {@code reg query /s} output; empty when the key holds nothing. */
    Optional<JsonNode> tree(String output) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode current = null;
        String rootPath = null;
        JsonNode policyValue = null;
        boolean other = false;
        for (String line : output.split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (!line.startsWith(" ")) { // a key path: the first is the queried key itself
                String path = line.strip();
                if (rootPath == null) {
                    rootPath = path;
                    current = root;
                } else if (path.toLowerCase(Locale.ROOT).startsWith(rootPath.toLowerCase(Locale.ROOT) + "\\")) {
                    current = root;
                    for (String segment : path.substring(rootPath.length() + 1).split("\\\\")) {
                        current = current.has(segment) && current.get(segment).isObject()
                                ? (ObjectNode) current.get(segment) : current.putObject(segment);
                    }
                    other = true;
                } else {
                    throw new MalformedPolicyException(where(), "reg printed an unexpected key line '" + path + "'");
                }
                continue;
            }
            Matcher m = VALUE.matcher(line);
            if (!m.matches() || current == null) {
                throw new MalformedPolicyException(where(), "reg printed an unexpected line '" + line.strip() + "'");
            }
            String name = m.group(1);
            String type = m.group(2);
            String data = m.group(3) == null ? "" : m.group(3);
            if (name.equals("(Default)")) {
                continue; // the key's unnamed value: Group Policy does not write one
            }
            if (current == root && name.equalsIgnoreCase("Policy")) {
                policyValue = json(type, data);
                continue;
            }
            current.set(name, value(name, type, data));
            other = true;
        }
        if (policyValue != null && other) {
            throw new MalformedPolicyException(where(), "holds the value Policy and other values or subkeys: set either"
                    + " Policy (the whole JSON) or one value per key, not both");
        }
        if (policyValue != null) {
            return Optional.of(policyValue);
        }
        return other ? Optional.of(root) : Optional.empty();
    }

    private JsonNode json(String type, String data) {
        String text = switch (type) {
            case "REG_SZ", "REG_EXPAND_SZ" -> data;
            case "REG_MULTI_SZ" -> String.join("\n", data.split("\\\\0", -1));
            default -> throw new MalformedPolicyException(where(), "the value Policy is " + type
                    + "; it must be REG_SZ or REG_MULTI_SZ holding the JSON of the policy file");
        };
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MalformedPolicyException(where(), "the value Policy is not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private JsonNode value(String name, String type, String data) {
        switch (type) {
            case "REG_SZ", "REG_EXPAND_SZ":
                return MAPPER.getNodeFactory().textNode(data);
            case "REG_MULTI_SZ": {
                ArrayNode a = MAPPER.createArrayNode();
                if (!data.isEmpty()) {
                    for (String s : data.split("\\\\0")) {
                        a.add(s);
                    }
                }
                return a;
            }
            case "REG_DWORD": {
                long v;
                try {
                    v = Long.decode(data.strip());
                } catch (NumberFormatException e) {
                    throw new MalformedPolicyException(where(), "the value " + name + " is REG_DWORD '" + data + "', not a number");
                }
                if (v == 0 || v == 1) {
                    return MAPPER.getNodeFactory().booleanNode(v == 1);
                }
                throw new MalformedPolicyException(where(), "the value " + name + " is REG_DWORD " + v
                        + "; a REG_DWORD must be 0 (false) or 1 (true)");
            }
            default:
                throw new MalformedPolicyException(where(), "the value " + name + " is " + type
                        + "; use REG_SZ (text), REG_MULTI_SZ (list) or REG_DWORD 0/1 (true/false)");
        }
    }
}
