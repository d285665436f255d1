package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Issue 16 #4: {@code --help} shows every default, for every option of every command. */
class HelpDefaultsTest {

    static void walk(CommandLine c, List<CommandLine> all) {
        all.add(c);
        for (CommandLine sub : c.getSubcommands().values()) walk(sub, all);
    }

    @Test
    void everyOptionThatTakesAValueStatesItsDefault() {
        List<CommandLine> all = new ArrayList<>();
        walk(Main.commandLine(), all);
        List<String> missing = new ArrayList<>();
        for (CommandLine c : all) {
            String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
            for (OptionSpec o : c.getCommandSpec().options()) {
                if (!HelpDefaults.takesValue(o)) continue;
                if (!HelpDefaults.statesDefault(o)) missing.add(c.getCommandSpec().qualifiedName() + " " + o.longestName());
            }
            assertThat(help).doesNotContain("${DEFAULT-VALUE}");
        }
        assertThat(missing).isEmpty();
        assertThat(all).hasSizeGreaterThan(12);
    }

    @Test
    void theHelpOfSearchShowsTheLimitsAndProxyItsListenAddress() {
        CaCommandsTest.Run search = CaCommandsTest.traffic("search", "--help");
        assertThat(search.out()).contains("default: 20").contains("every match");
        CaCommandsTest.Run proxy = CaCommandsTest.traffic("proxy", "--help");
        assertThat(proxy.out().replaceAll("\\s+", " ")).contains("default: 127.0.0.1:8080").contains("--upstream-ca=FILE")
                .containsPattern("--upstream-ca=FILE [^-]*\\(default: none\\)");
    }
}
