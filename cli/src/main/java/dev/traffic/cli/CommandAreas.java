package dev.traffic.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code traffic} commands grouped by what a reader wants to do, for {@code traffic --help} and the
 * generated CLI reference. A command not listed here (a new one) is shown under "More commands", so it
 * is never hidden; add its name to an area to place it.
 */
final class CommandAreas {
    private CommandAreas() {}

    static final Map<String, List<String>> AREAS = new LinkedHashMap<>();
    static {
        AREAS.put("Run the proxy", List.of("proxy", "ui", "ship", "index"));
        AREAS.put("Read the record", List.of("tail", "search", "show", "export", "stats"));
        AREAS.put("Keep the record trustworthy", List.of("verify", "reindex"));
        AREAS.put("Detect and control", List.of("scan", "policy", "credentials"));
        AREAS.put("CA and sandbox set-up", List.of("ca", "doctor"));
    }
    static final String MORE = "More commands";

    /** Area name -> the visible subcommands in it, in the order above, then any others under {@link #MORE}. */
    static Map<String, List<CommandLine>> group(CommandLine root) {
        Map<String, List<CommandLine>> out = new LinkedHashMap<>();
        List<String> placed = new ArrayList<>();
        for (Map.Entry<String, List<String>> area : AREAS.entrySet()) {
            List<CommandLine> cmds = new ArrayList<>();
            for (String name : area.getValue()) {
                CommandLine c = root.getSubcommands().get(name);
                if (c != null && !c.getCommandSpec().usageMessage().hidden()) cmds.add(c);
                placed.add(name);
            }
            if (!cmds.isEmpty()) out.put(area.getKey(), cmds);
        }
        List<CommandLine> more = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            if (placed.contains(e.getKey()) || !e.getKey().equals(e.getValue().getCommandName())) continue; // aliases once
            if (!e.getValue().getCommandSpec().usageMessage().hidden()) more.add(e.getValue());
        }
        if (!more.isEmpty()) out.put(MORE, more);
        return out;
    }

    /** Replaces the root's flat command list with the grouped one. */
    static void install(CommandLine root) {
        root.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, help -> render(root, help));
    }

    private static String render(CommandLine root, Help help) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, List<CommandLine>> area : group(root).entrySet()) {
            b.append('\n').append(area.getKey()).append(":\n");
            Help.TextTable table = Help.TextTable.forColumns(help.colorScheme(),
                    new Help.Column(16, 2, Help.Column.Overflow.SPAN), new Help.Column(help.commandSpec().usageMessage().width() - 16, 2, Help.Column.Overflow.WRAP));
            for (CommandLine c : area.getValue()) {
                table.addRowValues(c.getCommandName(), firstLine(c.getCommandSpec()));
            }
            b.append(table);
        }
        return b.toString();
    }

    static String firstLine(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        return d.length == 0 ? "" : d[0];
    }
}
