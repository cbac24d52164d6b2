package dev.xaa4j.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One plain sentence per kind of entry in the sample issuer's audit log, for people who do not know OAuth:
 * what the IdP or the MCP server's authorization server decided, told with the entry's user, server and
 * permissions ("The IdP checked that alice may use notes and gave her AI client a permission slip for it, with
 * read+write"). A kind is the pair (event, decision): {@code token-exchange allow} and {@code token-exchange deny}
 * are two kinds. Users are named as the audit log names them; a sentence starts with a fixed word, never a user
 * name. Stateless; thread-safe.
 */
final class AuditSentences {

    private AuditSentences() {
    }

    /**
     * @param entries the audit entries in file order (JSON objects with {@code event}, {@code decision},
     *                {@code user}, {@code scopesGranted}, {@code reason}, …)
     * @param server  the MCP server's name for an entry ("-" when it names none)
     * @return for each kind, in order of first appearance, its label ({@code "token-exchange deny"}) and the
     *         sentence told with that first entry
     */
    static Map<String, String> byKind(List<JsonNode> entries, Function<JsonNode, String> server) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode e : entries) {
            String kind = e.path("event").asText() + " " + e.path("decision").asText();
            out.computeIfAbsent(kind, k -> sentence(e, server.apply(e)));
        }
        return out;
    }

    /** The plain sentence for one audit entry; {@code serverName} is the MCP server's name, or "-" when it names none. */
    static String sentence(JsonNode e, String serverName) {
        boolean named = !serverName.isEmpty() && !"-".equals(serverName);
        String server = named ? serverName : "an MCP server";
        String gatekeeper = "The " + (named ? serverName : "MCP") + " server's gatekeeper";
        String user = e.path("user").asText("");
        String who = user.isEmpty() ? "a user" : user;
        String whose = user.isEmpty() ? "a user's" : user + "'s";
        boolean allow = "allow".equals(e.path("decision").asText());
        String reason = e.hasNonNull("reason") ? e.path("reason").asText() : "no reason given";
        String rights = rights(e.path(allow ? "scopesGranted" : "scopesRequested"), serverName);
        String event = e.path("event").asText();
        return switch (event) {
            case "sign-in" -> allow && reason.contains("auto-approve")
                    ? "The company's sign-in page (the IdP), in its dev-only auto-approve mode, let " + who + " in without a password."
                    : allow
                    ? "The company's sign-in page (the IdP) checked " + whose + " password and let " + pronoun(user) + " in."
                    : "The company's sign-in page (the IdP) did not let " + who + " in: " + reason + ".";
            case "authorization-code" -> allow
                    ? "The IdP handed " + whose + " sign-in to xaa: " + who + " is now signed in on this machine, once for every AI client."
                    : "The IdP did not hand " + whose + " sign-in to xaa: " + reason + ".";
            case "token-exchange" -> allow
                    ? "The IdP checked that " + who + " may use " + server + " and gave " + possessive(user)
                            + " AI client a permission slip for it, " + rights + "."
                    : "The IdP refused " + whose + " AI client access to " + server + ": " + reason + ".";
            case "jwt-bearer" -> allow
                    ? gatekeeper + " took the IdP's permission slip and gave " + whose
                            + " AI client a short-lived key, " + rights + "."
                    : gatekeeper + " turned " + whose + " AI client away: " + reason + ".";
            case "refresh" -> allow
                    ? "The IdP renewed " + whose + " sign-in in the background; nobody had to type a password again."
                    : "The IdP would not renew " + whose + " sign-in (" + reason + "): " + who + " has to sign in again.";
            case "revocation" -> allow
                    ? "When " + who + " signed out, the IdP ended the session: this machine can get no new access for "
                            + pronoun(user) + "."
                    : "A sign-out reached the IdP but was refused: " + reason + ".";
            case "revoke" -> "An administrator took away " + whose + " access to " + server + ".";
            case "restore" -> "An administrator gave " + whose + " access to " + server + " back.";
            case "mcp-request" -> allow
                    ? "The " + server + " server answered " + whose + " AI client" + (e.path("dpop").asBoolean(false)
                            ? ", which showed its short-lived key with proof that it holds this machine's private key"
                                    + " (DPoP): a copied key is useless elsewhere."
                            : ".")
                    : "no access token".equals(reason)
                    ? "The " + server + " server turned away a request that came without a key; its answer tells the AI"
                            + " client where to get one."
                    : "The " + server + " server turned away " + whose + " AI client: " + reason + ".";
            case "dpop" -> "The issuer's DPoP test switches (nonces, proofs required) were set: " + reason + ".";
            default -> "The issuer recorded '" + event + "' for " + who + ": " + (allow ? "allowed" : "refused, " + reason) + ".";
        };
    }

    /**
     * The permissions as words: {@code notes.read notes.write} for server {@code notes} becomes "with read+write";
     * permissions of another shape are listed as they are.
     */
    static String rights(JsonNode scopes, String server) {
        List<String> words = new ArrayList<>();
        scopes.forEach(s -> {
            String scope = s.asText();
            words.add(scope.startsWith(server + ".") ? scope.substring(server.length() + 1) : scope);
        });
        return words.isEmpty() ? "with no particular permissions" : "with " + String.join("+", words);
    }

    /** The demo's users are alice and carol (she) and bob (he); anyone else is "them". */
    private static String pronoun(String user) {
        return switch (user.toLowerCase(Locale.ROOT)) {
            case "alice", "carol" -> "her";
            case "bob" -> "him";
            default -> "them";
        };
    }

    private static String possessive(String user) {
        return switch (user.toLowerCase(Locale.ROOT)) {
            case "alice", "carol" -> "her";
            case "bob" -> "his";
            default -> "their";
        };
    }
}
