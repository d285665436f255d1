package dev.traffic.proxy;

import dev.traffic.match.HostGlob;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Ordered {@code --allow}/{@code --deny} rules: the first rule whose {@link HostGlob} matches
 * decides; when none matches, the host is allowed unless any allow rule exists (then denied).
 * Immutable; built once from the command line.
 */
public final class HostRules {
    /** One rule as given on the command line. */
    public record Rule(boolean allow, HostGlob glob) {
        public String describe() {
            return (allow ? "--allow " : "--deny ") + glob;
        }
    }

    /** The outcome: allowed or not, and the rule (text) that decided, or the default. */
    public record Verdict(boolean allowed, String rule) {}

    public static final HostRules ALLOW_ALL = new HostRules(List.of());

    private final List<Rule> rules;
    private final boolean anyAllow;

    public HostRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        this.anyAllow = rules.stream().anyMatch(Rule::allow);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Decision for a host name or IP literal. */
    public Verdict check(String host) {
        for (Rule r : rules) if (r.glob().matches(host)) return new Verdict(r.allow(), r.describe());
        return anyAllow ? new Verdict(false, "default deny (an --allow list is in use)") : new Verdict(true, null);
    }

    /**
     * Decision for the address a name resolved to: only address patterns (IP, CIDR) apply, and only
     * a deny can come of it (a name that passed by name is not re-judged by the allow list).
     */
    public Verdict checkResolved(InetAddress address) {
        for (Rule r : rules) {
            if (r.glob().isAddressPattern() && r.glob().matches(address)) {
                return r.allow() ? new Verdict(true, r.describe()) : new Verdict(false, r.describe());
            }
        }
        return new Verdict(true, null);
    }

    /** Collects rules in command-line order. */
    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();

        public Builder allow(String glob) {
            rules.add(new Rule(true, HostGlob.of(glob)));
            return this;
        }

        public Builder deny(String glob) {
            rules.add(new Rule(false, HostGlob.of(glob)));
            return this;
        }

        public HostRules build() {
            return new HostRules(rules);
        }
    }
}
