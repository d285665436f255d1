package dev.traffic.cli;

import dev.traffic.detect.Policy;
import dev.traffic.rules.PolicyProblem;
import dev.traffic.rules.RuleSet;
import dev.traffic.rules.RulesException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code traffic policy check FILE}: validates the whole policy file without starting anything:
 * the detection part (as {@code traffic proxy --policy} reads it) and every request rule (unknown
 * keys, bad globs, unknown presets, duplicate names, rules a catch-all before them hides). Every
 * problem is printed naming its entry; any problem exits 2.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a policy file (detection and request rules); exit 2 naming every problem.")
public final class PolicyCheckCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The policy YAML.")
    Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("traffic: cannot read policy " + file + ": " + e.getMessage());
            err.flush();
            return 2;
        }
        List<String> problems = new ArrayList<>();
        Policy detection = null;
        try {
            detection = Policy.parse(yaml, file.toString(), file.toAbsolutePath().getParent(), System::getenv);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        List<PolicyProblem> ruleProblems = RuleSet.check(yaml, file.toString());
        // a YAML syntax error is reported once (by detection)
        if (detection != null || ruleProblems.stream().noneMatch(p -> p.message().startsWith("not valid YAML"))) {
            for (PolicyProblem p : ruleProblems) problems.add(p.toString());
        }
        if (!problems.isEmpty()) {
            for (String p : problems) err.println("traffic: " + TerminalText.field(p));
            err.println("traffic: policy " + file + ": " + problems.size() + " problem(s)");
            err.flush();
            return 2;
        }
        RuleSet rules;
        try {
            rules = RuleSet.parse(yaml, file.toString(), List.of());
        } catch (RulesException e) {
            throw new IllegalStateException(e); // check found none
        }
        long fromPresets = rules.rules().stream().filter(r -> r.source().startsWith("preset ")).count();
        out.println("policy " + file + ": OK");
        out.println("  request rules  " + rules.rules().size() + " (" + (rules.rules().size() - fromPresets) + " in the file, "
                + fromPresets + " from presets)");
        out.println("  detection      " + detection.secrets().size() + " secret(s) and canaries");
        out.flush();
        return 0;
    }
}
