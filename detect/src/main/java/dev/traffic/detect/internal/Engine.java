package dev.traffic.detect.internal;

import dev.traffic.detect.Policy;
import dev.traffic.detect.SessionState;

/** The compiled, immutable, shareable part of a detector: policy, token rules, known-secret matcher. */
public record Engine(Policy policy, TokenRules rules, KnownSecrets known) {
    public static Engine compile(Policy policy) {
        TokenRules rules = new TokenRules();
        return new Engine(policy, rules, new KnownSecrets(policy.secrets(), rules));
    }

    public RequestScan begin(String host, String path, String session, SessionState state) {
        return new RequestScan(this, host, path, session, state);
    }
}
