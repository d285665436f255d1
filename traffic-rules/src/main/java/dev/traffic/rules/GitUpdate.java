package dev.traffic.rules;

import java.util.Objects;

/**
 * One ref-update command of a git push ({@code old-id new-id ref}, pkt-line format, at the start of
 * a {@code git-receive-pack} request body), with what the proxy could tell about it being forced.
 */
public record GitUpdate(String oldId, String newId, String ref, Force force, String forceWhy) {
    /** Whether the update rewrites history (see docs/reference/request-rules.md, "force"). */
    public enum Force {
        /** A creation, a deletion, a no-op, or a fast-forward proven from the pushed pack. */
        NO,
        /** Proven: a tag moved, or the new object is not a commit descending from the old one. */
        YES,
        /** The pushed pack does not show the old commit as an ancestor of the new one; counted as force. */
        UNPROVEN
    }

    public GitUpdate {
        Objects.requireNonNull(oldId, "oldId");
        Objects.requireNonNull(newId, "newId");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(force, "force");
    }

    public boolean deletion() {
        return isZero(newId);
    }

    public boolean creation() {
        return isZero(oldId);
    }

    /** True for a forced update: proven, or not provably a fast-forward (fail closed). */
    public boolean forced() {
        return force != Force.NO;
    }

    public static boolean isZero(String id) {
        for (int i = 0; i < id.length(); i++) if (id.charAt(i) != '0') return false;
        return true;
    }
}
