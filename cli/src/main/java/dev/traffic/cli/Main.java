package dev.traffic.cli;

import picocli.CommandLine;

/** Entry point of the {@code traffic} jar; exit statuses are {@link ExitCodes}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0 || !TrafficCommand.keepsRunning(args)) System.exit(code);
        // long-running commands (proxy) keep their non-daemon threads and exit via shutdown hooks
    }

    /** The configured command line; tests call {@code execute} on it with captured out/err. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new TrafficCommand());
        Converters.register(cmd);
        HelpDefaults.apply(cmd);
        CommandAreas.install(cmd);
        cmd.setExecutionExceptionHandler((ex, line, parseResult) -> {
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            line.getErr().println("traffic: " + msg);
            if (Boolean.getBoolean("traffic.debug")) ex.printStackTrace(line.getErr());
            return ex instanceof UsageException ? ExitCodes.USAGE : ExitCodes.ERROR;
        });
        cmd.setParameterExceptionHandler((ex, args) -> {
            CommandLine line = ex.getCommandLine();
            line.getErr().println("traffic: " + ex.getMessage());
            line.getErr().println("Try '" + line.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCodes.USAGE;
        });
        return cmd;
    }
}
