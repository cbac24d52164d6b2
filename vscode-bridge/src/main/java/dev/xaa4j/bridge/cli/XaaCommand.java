package dev.xaa4j.bridge.cli;

import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.Main;
import dev.xaa4j.bridge.proxy.EarlyInitialize;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code xaa}: the command tree and its exit-code contract. */
@Command(name = "xaa",
        mixinStandardHelpOptions = true,
        versionProvider = XaaCommand.Version.class,
        description = "Enterprise-managed authorization (Cross-App Access) for MCP clients: sign in once, "
                + "then every AI client reaches your MCP servers through `xaa bridge`.",
        subcommands = {
                BridgeCommand.class,
                SessionCommands.Login.class,
                SessionCommands.Logout.class,
                SessionCommands.Status.class,
                SessionCommands.Token.class,
                SessionCommands.Doctor.class,
                InstallCommand.class,
                ServerCommand.class,
                IdpCommand.class,
                SecretCommand.class,
                KeyCommand.class,
                AgentCommand.class,
                ConfigCommand.class,
                CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n")
public final class XaaCommand implements Runnable {

    public static final int OK = ExitCode.OK.code();
    public static final int FAILURE = ExitCode.FAILURE.code();
    public static final int USAGE = ExitCode.USAGE.code();

    @CommandLine.Option(names = {"-v", "--verbose"}, description = "debug logging on stderr", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** Parses, runs and maps failures to the documented exit codes; never throws. */
    public static int execute(String... args) {
        CommandLine cli;
        if (args.length > 0 && "bridge".equals(args[0])) {
            // What AI clients launch, every time they start: only the bridge's own command model is built, not
            // the whole tree (picocli inspects each command class; a third of the time to the first answer).
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
            // the first answer is given while picocli and the token chain load (EarlyInitialize)
            EarlyInitialize early = BridgeCommand.startEarly(args);
            if (early != null) {
                early.settle(java.time.Duration.ofMillis(300));
            }
            // first start: the token chain runs while picocli and the bridge load (after the early answer, if any)
            cli = new CommandLine(new BridgeCommand(early, BridgeCommand.startTokenFetch(args)));
            cli.setCommandName("xaa bridge");
            cli.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("-v", "--verbose").type(boolean.class).arity("0")
                    .description("debug logging on stderr").build());
            String[] bridgeArgs = args;
            cli.setParameterExceptionHandler((e, ignored) -> BridgeCommand.usageError(e, bridgeArgs, early));
        } else {
            cli = new CommandLine(new XaaCommand());
            cli.getCommandSpec().usageMessage().exitCodeList(ExitCode.table());
        }
        cli.setExitCodeExceptionMapper(XaaCommand::exitCode);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(errorLine(e));
            return exitCode(e);
        });
        return cli.execute(args);
    }

    static int exitCode(Throwable t) {
        return ExitCode.of(t).code();
    }

    /**
     * The one place that prefixes {@code "xaa: "}: messages are sentences or lower-case fragments without a
     * program name of their own ("not set up yet: run `xaa idp …`", "Cannot reach the identity provider at …").
     */
    static String errorLine(Throwable e) {
        return "xaa: " + CliAdvice.message(e);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"xaa " + Main.version()};
        }
    }
}
