package dev.traffic.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --help} shows every default (issue 16 #4): an option that takes a value and whose description
 * does not already say its default gets {@code (default: X)}, or {@code (default: none)} when it has
 * none. Applied to the whole command tree, so commands added later are covered without doing anything.
 */
final class HelpDefaults {
    private HelpDefaults() {}

    static void apply(CommandLine root) {
        apply(root.getCommandSpec());
        for (CommandLine sub : root.getSubcommands().values()) apply(sub);
    }

    private static void apply(CommandSpec spec) {
        List<OptionSpec> options = new ArrayList<>(spec.options());
        if (options.stream().noneMatch(HelpDefaults::needsDefault)) return;
        // rebuild in declaration order: a changed description means a new OptionSpec
        for (OptionSpec o : options) spec.remove(o);
        for (OptionSpec o : options) spec.addOption(needsDefault(o) ? withDefault(o) : o);
    }

    static boolean takesValue(OptionSpec o) {
        return !o.usageHelp() && !o.versionHelp() && o.arity().max() > 0 && !isBoolean(o);
    }

    private static boolean isBoolean(OptionSpec o) {
        Class<?> t = o.type();
        return t == boolean.class || t == Boolean.class;
    }

    static boolean statesDefault(OptionSpec o) {
        String d = String.join(" ", o.description()).toLowerCase(Locale.ROOT);
        return d.contains("default");
    }

    private static boolean needsDefault(OptionSpec o) {
        return takesValue(o) && !statesDefault(o);
    }

    private static OptionSpec withDefault(OptionSpec o) {
        String[] d = o.description().clone();
        String dflt = o.defaultValue() == null || o.defaultValue().isEmpty() ? "none" : o.defaultValue();
        if (d.length == 0) d = new String[] {""};
        d[d.length - 1] = (d[d.length - 1] + " (default: " + dflt + ")").strip();
        return o.toBuilder().description(d).build();
    }
}
