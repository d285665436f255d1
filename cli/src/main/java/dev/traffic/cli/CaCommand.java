package dev.traffic.cli;

import picocli.CommandLine.Command;

/** {@code traffic ca}: groups the CA subcommands. */
@Command(name = "ca", mixinStandardHelpOptions = true, description = "Manage the interception CA.",
        subcommands = {})
public final class CaCommand {}
