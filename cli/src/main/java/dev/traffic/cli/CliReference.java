package dev.traffic.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes docs/reference/cli.md from the picocli annotations, so the reference cannot drift from the
 * code: every visible command (new ones included), grouped by {@link CommandAreas}, with its synopsis,
 * arguments and options (defaults as {@code --help} shows them). {@code CliReferenceTest} fails when the
 * committed file differs; regenerate with
 * {@code java -cp cli/target/traffic.jar dev.traffic.cli.CliReference > docs/reference/cli.md}.
 */
public final class CliReference {
    private CliReference() {}

    public static void main(String[] args) {
        System.out.print(markdown());
    }

    public static String markdown() {
        CommandLine root = Main.commandLine();
        StringBuilder b = new StringBuilder();
        b.append("# CLI reference\n\n");
        b.append("<!-- Generated from the picocli annotations by dev.traffic.cli.CliReference; do not edit by hand.\n");
        b.append("     Regenerate: java -cp cli/target/traffic.jar dev.traffic.cli.CliReference > docs/reference/cli.md -->\n\n");
        b.append("Every command prints this with `--help`. Sizes and durations are read the same way by every\n");
        b.append("option: see [sizes and durations](units.md). Exit statuses: [exit codes](exit-codes.md).\n\n");
        Map<String, List<CommandLine>> areas = CommandAreas.group(root);
        for (Map.Entry<String, List<CommandLine>> area : areas.entrySet()) {
            b.append("- ").append(area.getKey()).append(": ");
            boolean first = true;
            for (CommandLine c : area.getValue()) {
                if (!first) b.append(", ");
                first = false;
                b.append('[').append('`').append(c.getCommandName()).append('`').append("](#").append(anchor(c.getCommandSpec())).append(')');
            }
            b.append('\n');
        }
        b.append('\n');
        b.append(command(root.getCommandSpec(), 2));
        for (Map.Entry<String, List<CommandLine>> area : areas.entrySet()) {
            b.append("## ").append(area.getKey()).append("\n\n");
            for (CommandLine c : area.getValue()) tree(c, 3, b);
        }
        return b.toString();
    }

    private static void tree(CommandLine c, int level, StringBuilder b) {
        if (c.getCommandSpec().usageMessage().hidden()) return;
        b.append(command(c.getCommandSpec(), level));
        for (Map.Entry<String, CommandLine> sub : c.getSubcommands().entrySet()) {
            if (sub.getKey().equals(sub.getValue().getCommandName())) tree(sub.getValue(), Math.min(level + 1, 6), b);
        }
    }

    static String anchor(CommandSpec spec) {
        return spec.qualifiedName(" ").toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    private static String command(CommandSpec spec, int level) {
        StringBuilder b = new StringBuilder();
        b.append("#".repeat(level)).append(' ').append(spec.qualifiedName(" ")).append("\n\n");
        for (String line : spec.usageMessage().description()) b.append(text(line)).append('\n');
        b.append("\n```\n");
        CommandLine.Help help = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        b.append(help.synopsis(0).stripTrailing()).append("\n```\n\n");
        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!params.isEmpty()) {
            b.append("| argument | description |\n|---|---|\n");
            for (PositionalParamSpec p : params) {
                b.append("| `").append(cell(p.paramLabel())).append("` | ").append(cell(String.join(" ", p.description()))).append(" |\n");
            }
            b.append('\n');
        }
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden() && !o.usageHelp() && !o.versionHelp()).toList();
        if (!options.isEmpty()) {
            b.append("| option | description |\n|---|---|\n");
            for (OptionSpec o : options) {
                String names = String.join(", ", o.names());
                String label = HelpDefaults.takesValue(o) ? " " + o.paramLabel() : "";
                b.append("| `").append(cell(names + label)).append("` | ").append(cell(description(o))).append(" |\n");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String description(OptionSpec o) {
        String d = String.join(" ", o.description());
        return d.replace("${DEFAULT-VALUE}", o.defaultValue() == null ? "none" : o.defaultValue());
    }

    private static String text(String s) {
        return s.replace("${DEFAULT-VALUE}", "");
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
