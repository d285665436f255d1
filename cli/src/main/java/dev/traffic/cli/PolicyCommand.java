package dev.traffic.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code traffic policy}: groups the policy-file subcommands; alone it is a usage error. */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Check a policy file and explain its request rules.",
        subcommands = {PolicyCheckCommand.class, PolicyExplainCommand.class})
public final class PolicyCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required (check, explain)");
    }
}
