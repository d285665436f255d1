package dev.traffic.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The root {@code traffic} command: only lists the subcommands. */
@Command(
        name = "traffic",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Intercepting egress proxy and traffic auditor for sandboxed AI coding agents.",
        subcommands = {
            ProxyCommand.class,
            CaCommand.class,
            PolicyCommand.class,
            TailCommand.class,
            SearchCommand.class,
            ShipCommand.class,
            ShowCommand.class,
            ExportCommand.class,
            StatsCommand.class,
            VerifyCommand.class,
            ReindexCommand.class,
            ScanCommand.class,
            dev.traffic.cli.doctor.DoctorCommand.class,
            IndexCommand.class,
            CdsTrainCommand.class,
            CredentialsCommand.class,
            UiCommand.class,
        })
public final class TrafficCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }

    /** Commands that serve until signalled rather than exit when {@code call} returns. */
    static boolean keepsRunning(String[] args) {
        return false;
    }
}
