package dev.xaa4j.bridge.cli;

import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The commands that drive the connector engine (sign-in, tokens, diagnosis, the broker). Their options are
 * final; their bodies call connector-core once it is part of the build.
 */
final class EngineCommands {

    private EngineCommands() {
    }

    static Integer notInThisBuild(String command) {
        throw new BridgeException(Reason.INTERNAL, "`xaa " + command
                + "` needs the connector engine, which this build does not include yet");
    }

    @Command(name = "login", mixinStandardHelpOptions = true,
            description = "Sign in to the enterprise IdP in the browser ($BROWSER honoured; the URL is printed when no browser can be opened).")
    static final class Login implements Callable<Integer> {
        @Option(names = "--no-browser", description = "only print the sign-in URL") boolean noBrowser;

        @Override
        public Integer call() {
            return notInThisBuild("login");
        }
    }

    @Command(name = "logout", mixinStandardHelpOptions = true, description = "Sign out: forget the IdP session and every token.")
    static final class Logout implements Callable<Integer> {
        @Override
        public Integer call() {
            return notInThisBuild("logout");
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Who is signed in, until when, and per server: token state, expiry, scopes, last error.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--json", description = "print JSON") boolean json;

        @Override
        public Integer call() {
            return notInThisBuild("status");
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Print a fresh access token for SERVER (for Claude Code's headersHelper, curl).")
    static final class Token implements Callable<Integer> {
        @Parameters(paramLabel = "SERVER") String server;
        @Option(names = "--format", defaultValue = "header", paramLabel = "FORMAT",
                description = "header (Authorization: Bearer …) or json (default: ${DEFAULT-VALUE})") String format;

        @Override
        public Integer call() {
            return notInThisBuild("token");
        }
    }

    @Command(name = "doctor", mixinStandardHelpOptions = true,
            description = "Check discovery and dry-run the whole token chain, with decoded, redacted claims and a plain-language diagnosis.")
    static final class Doctor implements Callable<Integer> {
        @Parameters(paramLabel = "SERVER", arity = "0..1") String server;
        @Option(names = "--json", description = "print JSON") boolean json;

        @Override
        public Integer call() {
            return notInThisBuild("doctor");
        }
    }

    @Command(name = "secret", mixinStandardHelpOptions = true,
            description = "Store a secret in the OS keyring, read from stdin: `xaa secret set idp-client-secret`.")
    static final class Secret implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "set") String verb;
        @Parameters(index = "1", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            return notInThisBuild("secret");
        }
    }

    @Command(name = "agent", mixinStandardHelpOptions = true,
            description = "Run the engine headless and serve tokens to bridges over a per-user Unix domain socket.")
    static final class Agent implements Callable<Integer> {
        @Override
        public Integer call() {
            return notInThisBuild("agent");
        }
    }
}
