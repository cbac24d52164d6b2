package dev.xaa4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AuditSentencesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Words a person who does not know OAuth would not follow. */
    private static final List<String> JARGON = List.of("jwt", "bearer", "token-exchange", "id-jag", "scope", "grant",
            "authorization code", "authorization-code", "assertion", "oauth", "oidc", "rfc");

    private static JsonNode entry(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void eachKindOfEntryIsOnePlainSentenceWithItsUserServerAndPermissions() throws Exception {
        String[] expected = { // entry, its sentence
                "{\"event\":\"sign-in\",\"user\":\"alice\",\"decision\":\"allow\",\"scopesGranted\":[\"openid\"]}",
                "The company's sign-in page (the IdP) checked alice's password and let her in.",
                "{\"event\":\"sign-in\",\"user\":\"bob\",\"decision\":\"allow\",\"reason\":\"dev-only auto-approve mode (no password)\"}",
                "The company's sign-in page (the IdP), in its dev-only auto-approve mode, let bob in without a password.",
                "{\"event\":\"authorization-code\",\"user\":\"alice\",\"decision\":\"allow\"}",
                "The IdP handed alice's sign-in to xaa: alice is now signed in on this machine, once for every AI client.",
                "{\"event\":\"token-exchange\",\"user\":\"alice\",\"decision\":\"allow\",\"scopesGranted\":[\"notes.read\",\"notes.write\"]}",
                "The IdP checked that alice may use notes and gave her AI client a permission slip for it, with read+write.",
                "{\"event\":\"token-exchange\",\"user\":\"bob\",\"decision\":\"deny\",\"reason\":\"user 'bob' may not use 'tickets'\"}",
                "The IdP refused bob's AI client access to notes: user 'bob' may not use 'tickets'.",
                "{\"event\":\"jwt-bearer\",\"user\":\"bob\",\"decision\":\"allow\",\"scopesGranted\":[\"notes.read\"]}",
                "The notes server's gatekeeper took the IdP's permission slip and gave bob's AI client a short-lived key, with read.",
                "{\"event\":\"refresh\",\"user\":\"carol\",\"decision\":\"allow\"}",
                "The IdP renewed carol's sign-in in the background; nobody had to type a password again.",
                "{\"event\":\"refresh\",\"user\":\"carol\",\"decision\":\"deny\",\"reason\":\"session expired\"}",
                "The IdP would not renew carol's sign-in (session expired): carol has to sign in again.",
                "{\"event\":\"revocation\",\"user\":\"bob\",\"decision\":\"allow\"}",
                "When bob signed out, the IdP ended the session: this machine can get no new access for him.",
                "{\"event\":\"revoke\",\"user\":\"alice\",\"decision\":\"allow\"}",
                "An administrator took away alice's access to notes.",
                // issue 12's entries, as ./demo shows them (they read "for a user: refused, {…}" before)
                "{\"event\":\"mcp-request\",\"user\":\"alice\",\"decision\":\"allow\",\"reason\":\"POST with a DPoP-bound token\",\"dpop\":true}",
                "The notes server answered alice's AI client, which showed its short-lived key with proof that it holds this"
                        + " machine's private key (DPoP): a copied key is useless elsewhere.",
                "{\"event\":\"mcp-request\",\"decision\":\"deny\",\"reason\":\"no access token\"}",
                "The notes server turned away a request that came without a key; its answer tells the AI client where to get one.",
                "{\"event\":\"dpop\",\"decision\":\"switch\",\"reason\":\"{idpNonce=false} -> {idpNonce=true}\"}",
                "The issuer's DPoP test switches (nonces, proofs required) were set: {idpNonce=false} -> {idpNonce=true}."};
        for (int i = 0; i < expected.length; i += 2) {
            String sentence = AuditSentences.sentence(entry(expected[i]), "notes");
            assertThat(sentence).as(expected[i]).isEqualTo(expected[i + 1]);
            for (String word : JARGON) {
                assertThat(sentence.toLowerCase(java.util.Locale.ROOT)).as("no jargon in: " + sentence).doesNotContain(word);
            }
        }
    }

    @Test
    void kindsAreEventAndDecisionInOrderOfFirstAppearanceToldWithTheirFirstEntry() throws Exception {
        List<JsonNode> entries = List.of(
                entry("{\"event\":\"token-exchange\",\"user\":\"alice\",\"decision\":\"allow\",\"scopesGranted\":[\"notes.read\"]}"),
                entry("{\"event\":\"token-exchange\",\"user\":\"bob\",\"decision\":\"allow\",\"scopesGranted\":[\"notes.read\"]}"),
                entry("{\"event\":\"token-exchange\",\"user\":\"bob\",\"decision\":\"deny\",\"reason\":\"no entitlement\"}"));

        Map<String, String> kinds = AuditSentences.byKind(entries, e -> "notes");

        assertThat(kinds.keySet()).containsExactly("token-exchange allow", "token-exchange deny");
        assertThat(kinds.get("token-exchange allow")).contains("alice may use notes");
        assertThat(kinds.get("token-exchange deny")).isEqualTo("The IdP refused bob's AI client access to notes: no entitlement.");
    }

    @Test
    void anEntryWithoutUserOrServerAndAnUnknownEventStillReadAsSentences() throws Exception {
        assertThat(AuditSentences.sentence(entry("{\"event\":\"jwt-bearer\",\"decision\":\"deny\",\"reason\":\"expired\"}"), "-"))
                .isEqualTo("The MCP server's gatekeeper turned a user's AI client away: expired.");
        assertThat(AuditSentences.sentence(entry("{\"event\":\"device-code\",\"user\":\"alice\",\"decision\":\"allow\"}"), "-"))
                .isEqualTo("The issuer recorded 'device-code' for alice: allowed.");
        assertThat(AuditSentences.rights(JSON.readTree("[\"tickets.read\",\"admin\"]"), "tickets")).isEqualTo("with read+admin");
    }
}
