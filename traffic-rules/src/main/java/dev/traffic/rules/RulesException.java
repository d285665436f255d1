package dev.traffic.rules;

import java.util.List;

/** A policy file whose rules cannot be used; the message lists every problem, each naming its entry. */
public final class RulesException extends Exception {
    private final List<PolicyProblem> problems;

    public RulesException(List<PolicyProblem> problems) {
        super(String.join("\n", problems.stream().map(PolicyProblem::toString).toList()));
        this.problems = List.copyOf(problems);
    }

    public List<PolicyProblem> problems() {
        return problems;
    }
}
