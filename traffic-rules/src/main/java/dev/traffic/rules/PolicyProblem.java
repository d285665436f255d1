package dev.traffic.rules;

/** One thing wrong with the rules of a policy file: where ({@code policy FILE: rules[2] 'name'}) and what. */
public record PolicyProblem(String where, String message) {
    @Override
    public String toString() {
        return where + ": " + message;
    }
}
