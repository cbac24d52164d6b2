package dev.xaa4j.bridge.cli;

import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.SessionStorage;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code xaa config session-storage|agent [VALUE]}: settings that are neither the IdP nor a server. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Show or change a setting of the per-user configuration.",
                "  xaa config session-storage           where the session lives (keyring or memory)",
                "  xaa config session-storage memory    keep it only in the memory of `xaa agent` (no OS keyring needed)",
                "  xaa config session-storage keyring   keep it in the OS keyring (the default)",
                "  xaa config agent                     whether commands start `xaa agent` on demand (on or off)",
                "  xaa config agent off                 never start it: each bridge gets its tokens itself",
                "  xaa config agent on                  start it when no agent or tray app runs (the default)"})
final class ConfigCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SETTING", description = "session-storage or agent") String setting;
    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE") String value;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ConfigStore store = ConfigStore.forCurrentUser();
        PrintWriter out = spec.commandLine().getOut();
        if ("agent".equals(setting)) {
            return agent(store, out);
        }
        if (!"session-storage".equals(setting)) {
            throw new IllegalArgumentException("unknown setting '" + setting + "': `xaa config session-storage [keyring|memory]`"
                    + " or `xaa config agent [on|off]`");
        }
        if (value == null) {
            out.println(store.load().sessionStorage().wireName());
            return XaaCommand.OK;
        }
        SessionStorage storage = SessionStorage.parse(value);
        store.putSessionStorage(storage);
        out.println(storage == SessionStorage.MEMORY
                ? "the session now lives only in the memory of the session owner: start it with `xaa agent` (it keeps "
                        + "the session until it stops; client secrets from its environment or --secrets-fd), then `xaa login`"
                : "the session now lives in the OS keyring: `xaa login` signs in, `xaa secret set` stores client secrets");
        if (System.getenv("XAA_SESSION_STORAGE") != null) {
            out.println("note: XAA_SESSION_STORAGE=" + System.getenv("XAA_SESSION_STORAGE") + " in this environment overrides it");
        }
        return XaaCommand.OK;
    }

    private Integer agent(ConfigStore store, PrintWriter out) {
        if (value == null) {
            out.println(store.load().agent() ? "on" : "off");
            return XaaCommand.OK;
        }
        if (!value.equals("on") && !value.equals("off")) {
            throw new IllegalArgumentException("'" + value + "' is not on or off: `xaa config agent on` or `xaa config agent off`");
        }
        store.putAgent(value.equals("on"));
        out.println(value.equals("on")
                ? "the first bridge or `xaa token` that needs a token now starts `xaa agent` when none runs; it exits "
                        + "after " + AgentAutostart.describe(AgentAutostart.DEFAULT_IDLE_EXIT) + " idle"
                : "no agent is started on demand: each bridge gets its tokens itself unless `xaa agent` or the tray app runs");
        return XaaCommand.OK;
    }
}
