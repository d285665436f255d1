package dev.traffic.cli.doctor;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which invariants a topology is expected to hold. {@code proxy} (the default) checks only that
 * traffic goes through the proxy and is trusted, so {@code traffic doctor} on a developer machine
 * stays meaningful; the sandbox profiles add the isolation, credential, egress and cluster checks
 * that must pass inside a locked-down container of that topology.
 */
public enum Profile {
    PROXY("proxy"),
    DOCKER("docker"),
    K8S_SIDECAR("k8s-sidecar"),
    K8S_GATEWAY("k8s-gateway");

    /** Every profile: the checks that hold everywhere. */
    public static final Set<Profile> ALL = EnumSet.allOf(Profile.class);
    /** The locked-down sandboxes (not a developer's machine). */
    public static final Set<Profile> SANDBOX = EnumSet.of(DOCKER, K8S_SIDECAR, K8S_GATEWAY);
    /** The Kubernetes topologies. */
    public static final Set<Profile> KUBERNETES = EnumSet.of(K8S_SIDECAR, K8S_GATEWAY);

    private final String label;

    Profile(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Parses a profile name as written on the command line. */
    public static Profile parse(String s) {
        for (Profile p : values()) if (p.label.equals(s.toLowerCase(Locale.ROOT))) return p;
        throw new IllegalArgumentException("unknown profile '" + s + "' (expected proxy, docker, k8s-sidecar or k8s-gateway)");
    }
}
