package dev.traffic.cli.doctor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * NO_PROXY (and no_proxy) exempt only loopback and the proxy itself: any other entry sends that
 * host's traffic around the recorder (or into the egress lock, where it fails).
 */
public final class NoProxyCheck implements DoctorCheck {
    private static final Set<String> LOOPBACK = Set.of("localhost", "localhost.localdomain", "127.0.0.1", "::1", "[::1]",
            "127.0.0.0/8", "::1/128", "ip6-localhost");

    @Override
    public String name() {
        return "no-proxy";
    }

    @Override
    public String description() {
        return "NO_PROXY exempts only loopback and the proxy itself";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        Set<String> entries = new LinkedHashSet<>();
        for (String var : List.of("NO_PROXY", "no_proxy")) {
            String v = ctx.env().get(var);
            if (v == null) continue;
            for (String e : v.split("[,\\s]+")) if (!e.isBlank()) entries.add(e.strip().toLowerCase(Locale.ROOT));
        }
        ProxyAddress proxy = ctx.httpsProxy();
        List<String> bad = new ArrayList<>();
        for (String e : entries) {
            // strip a :port, but not the last group of a bare IPv6 literal such as ::1
            String host = e.indexOf(':') == e.lastIndexOf(':') ? e.replaceAll(":\\d+$", "") : e;
            if (LOOPBACK.contains(host) || (proxy != null && host.equals(proxy.host().toLowerCase(Locale.ROOT)))) continue;
            bad.add(e);
        }
        if (bad.isEmpty()) {
            return CheckResult.pass(entries.isEmpty() ? "NO_PROXY is unset: every host goes through the proxy"
                    : "NO_PROXY exempts only " + String.join(", ", entries));
        }
        return CheckResult.fail("NO_PROXY exempts hosts that should be recorded: " + String.join(", ", bad),
                "export NO_PROXY=localhost,127.0.0.1,::1 no_proxy=localhost,127.0.0.1,::1");
    }
}
