package dev.traffic.detect.internal;

import dev.traffic.detect.Policy;
import dev.traffic.detect.SessionState;

/**
 * The compiled, shareable part of a detector: policy, token rules, known-secret matcher, and the
 * bounded set of header values already found clean, the bounded hits of header values that only
 * held hits, the bounded fingerprint cache and the bounded per-host-name facts (the only state that
 * grows, thread-safe).
 */
public record Engine(Policy policy, TokenRules rules, KnownSecrets known, CleanTexts clean, HeaderHits headerHits,
        FingerprintCache fingerprints, HostFacts hosts) {
    public static Engine compile(Policy policy) {
        TokenRules rules = new TokenRules();
        return new Engine(policy, rules, new KnownSecrets(policy.secrets(), rules), new CleanTexts(), new HeaderHits(), new FingerprintCache(),
                new HostFacts(policy));
    }

    public RequestScan begin(String host, String path, String session, SessionState state) {
        return new RequestScan(this, host, path, session, state);
    }
}
