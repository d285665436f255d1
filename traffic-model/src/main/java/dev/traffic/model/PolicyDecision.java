package dev.traffic.model;

/** What policy did with a flow: ALLOW, FLAG (forwarded, findings recorded) or BLOCK; {@code rule} names why. */
public record PolicyDecision(Action action, String rule) {
    public enum Action { ALLOW, FLAG, BLOCK }

    public static final PolicyDecision ALLOWED = new PolicyDecision(Action.ALLOW, null);
}
