package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.XaaProcess.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 8 item 7: every command asks only for the configuration it needs, and says what to run when it is
 * missing. With nothing configured, and with only an IdP (the sample issuer over real HTTP, a scripted browser
 * at its login form, the OS keyring of {@code .ci/with-keyring}). Who is signed in is shown by name.
 */
@Tag("slow")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class XaaWithoutConfigurationTest extends KeyringIssuer {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void withNothingConfiguredEveryCommandSaysToRunXaaIdp() throws Exception {
        XaaProcess xaa = XaaProcess.in(dir.resolve("nothing"));

        CommandRun login = xaa.run("login");
        assertThat(login.exit()).as(login.out()).isEqualTo(3);
        assertThat(login.out()).contains("xaa: not set up yet: run `xaa idp ISSUER --client-id ID`")
                .doesNotContain("xaa: xaa").doesNotContain("Exception");

        CommandRun status = xaa.run("status");
        ok(status);
        assertThat(status.out()).contains("not set up yet: run `xaa idp ISSUER --client-id ID`");
        assertThat(JSON.readTree(xaa.run("status", "--json").out()).path("configured").asBoolean(true)).isFalse();

        CommandRun logout = xaa.run("logout");
        ok(logout);
        assertThat(logout.out()).contains("signed out");

        CommandRun doctor = xaa.run("doctor");
        assertThat(doctor.exit()).as(doctor.out()).isEqualTo(3);
        assertThat(doctor.out()).as("a missing file is not an ok config file").doesNotContain("ok    config file")
                .contains("FAIL  xaa is not set up: there is no config file " + xaa.config())
                .contains("run `xaa idp ISSUER --client-id ID`");

        for (String[] needsIdp : new String[][] {{"token", "notes"}, {"agent"}, {"secret", "set", "idp-client-secret"}}) {
            CommandRun r = xaa.run("x\n", Map.of(), needsIdp);
            assertThat(r.exit()).as(String.join(" ", needsIdp) + ": " + r.out()).isEqualTo(3);
            assertThat(r.out()).contains("xaa: not set up yet: run `xaa idp ISSUER --client-id ID`");
        }

        CommandRun list = xaa.run("server", "list");
        ok(list);
        assertThat(list.out()).contains("add one with `xaa server add NAME URL`");
        CommandRun remove = xaa.run("server", "remove", "notes");
        assertThat(remove.exit()).as(remove.out()).isEqualTo(2);
        assertThat(remove.out()).contains("`xaa server list` shows the configured ones");
        CommandRun install = xaa.run("install", "vscode", "notes", "--print");
        assertThat(install.exit()).as(install.out()).isEqualTo(2);
        assertThat(install.out()).contains("`xaa server add notes URL`");
    }

    @Test
    void withOnlyAnIdpLoginStatusDoctorAgentAndLogoutWorkAndShowThePersonByName() throws Exception {
        XaaProcess xaa = XaaProcess.in(dir.resolve("idp-only"));
        ok(xaa.run("idp", issuer.idpIssuer().toString(), "--client-id", "xaa-desktop", "--auth-method", "client_secret_basic"));
        ok(KeyringWrites.retry(() -> xaa.run("xaa-desktop-demo-secret\n", Map.of(), "secret", "set", "idp-client-secret")));

        CommandRun before = xaa.run("status");
        ok(before);
        assertThat(before.out()).contains("not signed in: run `xaa login`", "no MCP servers yet: add one with `xaa server add NAME URL`");

        CommandRun login = xaa.login("alice");
        ok(login);
        assertThat(login.out()).as("name from the ID token, not its sub").contains("signed in as Alice Anders");

        CommandRun status = xaa.run("status");
        ok(status);
        assertThat(status.out()).contains("signed in as Alice Anders");
        JsonNode json = JSON.readTree(xaa.run("status", "--json").out());
        assertThat(json.path("displayName").asText()).isEqualTo("Alice Anders");
        assertThat(json.path("user").asText()).as("the sub stays the identifier").isEqualTo("alice");
        assertThat(json.path("configured").asBoolean()).isTrue();

        CommandRun doctor = xaa.run("doctor");
        assertThat(doctor.exit()).as(doctor.out()).isZero();
        assertThat(doctor.out()).contains("ok    config file " + xaa.config(), "ok    signed in as Alice Anders",
                "no MCP servers yet: add one with `xaa server add NAME URL`").doesNotContain("FAIL");

        ProcessBuilder pb = new ProcessBuilder(xaa.command("agent")).redirectError(dir.resolve("agent.err").toFile());
        pb.environment().putAll(xaa.env());
        Process agent = pb.start();
        try {
            agent.getOutputStream().close();
            String first = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(first).as("the agent serves with only an IdP").startsWith("xaa agent: serving on");
        } finally {
            agent.destroy();
            assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        CommandRun logout = xaa.run("logout");
        ok(logout);
        assertThat(logout.out()).contains("signed out");
        assertThat(xaa.run("status").out()).contains("not signed in: run `xaa login`");
    }
}
