package dev.traffic.rules;

import dev.traffic.match.HostGlob;
import dev.traffic.rules.internal.Glob;
import dev.traffic.rules.internal.PathGlob;
import dev.traffic.rules.internal.ReceivePack;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One test of a rule; a rule matches when all of its conditions do. Immutable, thread-safe. */
sealed interface Condition {
    boolean test(RuleRequest r) throws ReceivePack.Unreadable;

    /** Cheaper conditions run first, so the git body is only read for a push the rest matched. */
    int cost();

    record Hosts(List<HostGlob> globs) implements Condition {
        public boolean test(RuleRequest r) {
            for (HostGlob g : globs) if (g.matches(r.host())) return true;
            return false;
        }

        public int cost() {
            return 2;
        }
    }

    record Ports(Set<Integer> ports) implements Condition {
        public boolean test(RuleRequest r) {
            return ports.contains(r.port());
        }

        public int cost() {
            return 0;
        }
    }

    record Methods(Set<String> methods) implements Condition {
        public boolean test(RuleRequest r) {
            return methods.contains(r.method());
        }

        public int cost() {
            return 1;
        }
    }

    record Paths(List<PathGlob> globs) implements Condition {
        public boolean test(RuleRequest r) {
            String[] segs = r.segments();
            for (PathGlob g : globs) if (g.matches(segs)) return true;
            return false;
        }

        public int cost() {
            return 3;
        }
    }

    /** Each named header (any of its values) matches one of its globs; a null list: the header is absent. */
    record Headers(Map<String, List<Glob>> want) implements Condition {
        public boolean test(RuleRequest r) {
            for (Map.Entry<String, List<Glob>> e : want.entrySet()) {
                List<String> values = r.headerValues(e.getKey());
                if (e.getValue() == null) {
                    if (!values.isEmpty()) return false;
                    continue;
                }
                if (!anyMatch(e.getValue(), values)) return false;
            }
            return true;
        }

        public int cost() {
            return 4;
        }
    }

    /** Query (or form body) parameters, same shape as {@link Headers}; names compared ignoring case. */
    record Params(boolean form, Map<String, List<Glob>> want) implements Condition {
        public boolean test(RuleRequest r) {
            List<Map.Entry<String, String>> ps = form ? r.form() : r.query();
            for (Map.Entry<String, List<Glob>> e : want.entrySet()) {
                List<String> values = new java.util.ArrayList<>(1);
                for (Map.Entry<String, String> p : ps) if (p.getKey().equalsIgnoreCase(e.getKey())) values.add(p.getValue());
                if (e.getValue() == null) {
                    if (!values.isEmpty()) return false;
                    continue;
                }
                if (!anyMatch(e.getValue(), values)) return false;
            }
            return true;
        }

        public int cost() {
            return form ? 6 : 5;
        }
    }

    /**
     * A git push with an update that is all of: a deletion (when {@code deleteRef}), to a ref matching
     * one of {@code pushTo} (when set), forced (when {@code force}).
     */
    record Git(Boolean deleteRef, List<Glob> pushTo, Boolean force) implements Condition {
        public boolean test(RuleRequest r) throws ReceivePack.Unreadable {
            return matching(r) != null;
        }

        GitUpdate matching(RuleRequest r) throws ReceivePack.Unreadable {
            if (!r.isGitPush()) return null;
            for (GitUpdate u : r.gitUpdates()) {
                if (deleteRef != null && u.deletion() != deleteRef) continue;
                if (force != null && u.forced() != force) continue;
                if (pushTo != null) {
                    boolean hit = false;
                    for (Glob g : pushTo) if (g.matches(u.ref())) hit = true;
                    if (!hit) continue;
                }
                return u;
            }
            return null;
        }

        public int cost() {
            return 9;
        }
    }

    private static boolean anyMatch(List<Glob> globs, List<String> values) {
        for (String v : values) for (Glob g : globs) if (g.matches(v)) return true;
        return false;
    }
}
