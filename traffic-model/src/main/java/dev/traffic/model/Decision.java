package dev.traffic.model;

import java.util.Objects;

/**
 * One line of a flow's decision trace: which request stage (and which rule of it) decided what,
 * and why. {@code stage} is a {@link dev.traffic.stage.RequestStage#name()} ("rules", "inspection",
 * "credentials", "admission"); {@code rule} may be null for a stage-wide decision; {@code action} is
 * lower-case ("allow", "block", "flag", "alert", "inject", "refuse"); {@code reason} is for people
 * and never holds a secret.
 */
public record Decision(String stage, String rule, String action, String reason) {
    public Decision {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(action, "action");
    }
}
