package dev.xaa4j.sample.idp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Policy files for tests: the demo policy plus clients the tests need. */
final class IdpTestPolicies {

    static final String KEY_CLIENT_ID = "xaa-agent-pkjwt";
    static final String KEY_CLIENT_AS_ID = "xaa-agent-mcp";

    private IdpTestPolicies() {
    }

    static RSAKey newClientKey() throws Exception {
        return new RSAKeyGenerator(2048).keyID("test-client-key").keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256).generate();
    }

    /**
     * Writes the demo policy with an extra IdP client {@value #KEY_CLIENT_ID} that authenticates with
     * private_key_jwt using {@code clientKey}'s public half.
     */
    static Path demoWithKeyClient(Path dir, RSAKey clientKey) throws Exception {
        ObjectNode policy;
        try (InputStream in = IdpTestPolicies.class.getResourceAsStream("/demo-policy.json")) {
            policy = (ObjectNode) IdpTestClient.JSON.readTree(in);
        }
        ObjectNode client = ((ArrayNode) policy.get("idpClients")).addObject();
        client.put("clientId", KEY_CLIENT_ID);
        client.set("jwks", IdpTestClient.JSON.valueToTree(Map.of("keys", List.of(clientKey.toPublicJWK().toJSONObject()))));
        client.putArray("redirectUris").add("http://127.0.0.1/callback");
        client.put("asClientId", KEY_CLIENT_AS_ID);
        ObjectNode asClient = ((ArrayNode) policy.get("asClients")).addObject();
        asClient.put("clientId", KEY_CLIENT_AS_ID);
        asClient.put("clientSecret", "xaa-agent-mcp-test-secret");
        Path file = dir.resolve("policy-with-key-client.json");
        IdpTestClient.JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), policy);
        return file;
    }
}
