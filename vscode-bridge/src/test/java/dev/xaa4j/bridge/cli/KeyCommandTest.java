package dev.xaa4j.bridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.xaa4j.connector.internal.store.InstallClientKey;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code xaa key create|show|delete} in process against the OS keyring of {@code .ci/with-keyring} (its entry
 * {@code client-key|install} under service xaa4j): public keys out, the private key only in the keyring.
 */
@Timeout(60)
class KeyCommandTest {

    record Run(int exit, String out, String err) {
    }

    private final KeyringCredentialStore keyring = new KeyringCredentialStore(SessionCommands.KEYRING_SERVICE);

    @BeforeEach
    @AfterEach
    void noKey() {
        new InstallClientKey(keyring).delete();
    }

    static Run xaa(String... args) {
        CommandLine cli = new CommandLine(new XaaCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExitCodeExceptionMapper(XaaCommand::exitCode);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(XaaCommand.errorLine(e));
            return XaaCommand.exitCode(e);
        });
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    private String privatePart() throws Exception {
        return ((com.nimbusds.jose.jwk.ECKey) JWK.parse(keyring.read(InstallClientKey.ENTRY).orElseThrow())).getD().toString();
    }

    @Test
    void createWithoutAnyKeyringSaysTheKeyNeedsOneAndWhatToUseInstead() {
        // found in a container: the generic "start `xaa agent --memory` (client secrets in its environment)" has no key
        dev.xaa4j.connector.ConnectorException none = new dev.xaa4j.connector.ConnectorException(
                dev.xaa4j.connector.ConnectorException.Kind.KEYRING_UNAVAILABLE, "No OS keyring is available");
        dev.xaa4j.connector.ConnectorException said = KeyCommand.withoutKeyring(none);
        assertThat(said.kind()).isEqualTo(dev.xaa4j.connector.ConnectorException.Kind.CONFIGURATION);
        assertThat(said.getMessage()).contains("private key is kept only in the OS keyring", "No OS keyring is available",
                "ask your administrator for a client secret instead", "`xaa agent --memory`");
        assertThat(XaaCommand.errorLine(said)).doesNotContain("keep the session in memory");
        dev.xaa4j.connector.ConnectorException other = new dev.xaa4j.connector.ConnectorException(
                dev.xaa4j.connector.ConnectorException.Kind.CREDENTIAL_STORE, "locked");
        assertThat(KeyCommand.withoutKeyring(other)).isSameAs(other);
    }

    @Test
    void createPrintsThePublicJwkAndJwksAndKeepsThePrivateKeyInTheKeyringOnly(@TempDir Path dir) throws Exception {
        Path jwksFile = dir.resolve("jwks.json");
        Run created = xaa("key", "create", "--jwks-out", jwksFile.toString());

        assertThat(created.exit()).as(created.err()).isZero();
        String d = privatePart();
        JWKSet fileJwks = JWKSet.parse(Files.readString(jwksFile));
        JWK pub = fileJwks.getKeys().get(0);
        assertThat(pub.isPrivate()).isFalse();
        assertThat(pub.getKeyID()).isEqualTo(pub.computeThumbprint().toString());
        assertThat(created.out()).contains("created the client key ES256, kid " + pub.getKeyID(), "\"keys\"",
                "`xaa idp ISSUER --client-id ID --auth-method private_key_jwt`").doesNotContain(d).doesNotContain("\"d\"");
        assertThat(Files.readString(jwksFile)).doesNotContain(d).doesNotContain("\"d\"");

        Run shown = xaa("key", "show", "--format", "json");
        assertThat(shown.exit()).isZero();
        JsonNode json = new ObjectMapper().readTree(shown.out());
        assertThat(json.get("kid").asText()).isEqualTo(pub.getKeyID());
        assertThat(json.get("alg").asText()).isEqualTo("ES256");
        assertThat(JWK.parse(json.get("publicJwk").toString())).isEqualTo(pub);
        assertThat(JWKSet.parse(json.get("jwks").toString()).getKeys()).containsExactly(pub);
        assertThat(shown.out()).doesNotContain(d);
    }

    @Test
    void createRefusesToOverwriteAndRotateKeepsTheOldPublicKeyListedUntilDeleteRetired() throws Exception {
        assertThat(xaa("key", "create").exit()).isZero();
        String kid = new InstallClientKey(keyring).publicKey().orElseThrow().getKeyID();

        Run again = xaa("key", "create");
        assertThat(again.exit()).isEqualTo(XaaCommand.USAGE);
        assertThat(again.err()).contains("a client key exists already (kid " + kid + ")", "--rotate");
        assertThat(new InstallClientKey(keyring).publicKey().orElseThrow().getKeyID()).isEqualTo(kid);

        Run rotated = xaa("key", "create", "--rotate", "--alg", "RS256", "--format", "json");
        assertThat(rotated.exit()).as(rotated.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(rotated.out());
        assertThat(json.get("alg").asText()).isEqualTo("RS256");
        assertThat(json.get("retiredKid").asText()).isEqualTo(kid);
        assertThat(json.get("jwks").get("keys")).hasSize(2);

        assertThat(xaa("key", "delete", "--retired").exit()).isZero();
        assertThat(new InstallClientKey(keyring).jwks().getKeys()).hasSize(1);
        Run deleted = xaa("key", "delete");
        assertThat(deleted.out()).contains("deleted the client key");
        Run none = xaa("key", "show");
        assertThat(none.exit()).isEqualTo(XaaCommand.USAGE);
        assertThat(none.err()).contains("`xaa key create` makes one");
    }

    @Test
    void anUnknownFormatIsRefusedBeforeTheKeyChanges() throws Exception {
        Run badCreate = xaa("key", "create", "--format", "yaml");
        assertThat(badCreate.exit()).isEqualTo(XaaCommand.USAGE);
        assertThat(badCreate.err()).contains("--format is text or json, not 'yaml'");
        assertThat(keyring.read(InstallClientKey.ENTRY)).isEmpty();

        assertThat(xaa("key", "create").exit()).isZero();
        String before = keyring.read(InstallClientKey.ENTRY).orElseThrow();
        Run badRotate = xaa("key", "create", "--rotate", "--format", "yaml");
        assertThat(badRotate.exit()).isEqualTo(XaaCommand.USAGE);
        assertThat(badRotate.err()).contains("--format is text or json, not 'yaml'");
        assertThat(keyring.read(InstallClientKey.ENTRY)).contains(before);
        assertThat(new InstallClientKey(keyring).retiredKey()).isEmpty();

        Run badShow = xaa("key", "show", "--format", "yaml");
        assertThat(badShow.exit()).isEqualTo(XaaCommand.USAGE);
        assertThat(badShow.out()).isEmpty();
    }

    @Test
    void unknownAlgorithmIsAUsageErrorNamingTheChoices() {
        Run bad = xaa("key", "create", "--alg", "HS256");
        assertThat(bad.exit()).isEqualTo(XaaCommand.USAGE);
        assertThat(bad.err()).contains("ES256 (default) or RS256");
        assertThat(keyring.read(InstallClientKey.ENTRY)).isEmpty();
    }
}
