package dev.traffic.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code traffic ca}: groups the CA subcommands; alone it is a usage error. */
@Command(name = "ca", mixinStandardHelpOptions = true, description = "Manage the interception CA.",
        subcommands = {CaInitCommand.class, CaShowCommand.class, CaExportCommand.class, CaIssueCommand.class,
            CaTrustCommand.class})
public final class CaCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required (init, show, export, issue, trust)");
    }
}
