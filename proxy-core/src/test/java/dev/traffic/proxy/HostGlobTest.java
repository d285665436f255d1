package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class HostGlobTest {
    @Test
    void wildcardSubdomainsButNotTheApex() {
        HostGlob g = HostGlob.of("*.example.com");
        assertThat(g.matches("api.example.com")).isTrue();
        assertThat(g.matches("a.b.EXAMPLE.com.")).isTrue();
        assertThat(g.matches("example.com")).isFalse();
        assertThat(g.matches("badexample.com")).isFalse();
        assertThat(HostGlob.of("*").matches("anything.test")).isTrue();
        assertThat(HostGlob.of("api.*.test").matches("api.x.test")).isTrue();
        assertThat(HostGlob.of("exact.test").matches("exact.test")).isTrue();
        assertThat(HostGlob.of("exact.test").matches("xexact.test")).isFalse();
    }

    @Test
    void addressesAndCidrs() throws Exception {
        HostGlob net = HostGlob.of("10.0.0.0/8");
        assertThat(net.matches("10.1.2.3")).isTrue();
        assertThat(net.matches("11.1.2.3")).isFalse();
        assertThat(net.matches(InetAddress.getByName("10.9.9.9"))).isTrue();
        assertThat(net.matches("ten.example")).isFalse();
        assertThat(HostGlob.of("fe80::/10").matches("[fe80::1]")).isTrue();
        assertThat(HostGlob.of("::1").matches("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(HostGlob.of("127.0.0.1").matches(InetAddress.getByName("127.0.0.1"))).isTrue();
    }

    @Test
    void badPatternsAreRejectedWithTheirText() {
        assertThatThrownBy(() -> HostGlob.of("10.0.0.0/99")).hasMessageContaining("10.0.0.0/99");
        assertThatThrownBy(() -> HostGlob.of("a b")).hasMessageContaining("a b");
        assertThatThrownBy(() -> HostGlob.of(" ")).hasMessageContaining("empty");
    }

    @Test
    void longHostsMatchInLinearTime() {
        String host = "a".repeat(5000) + ".test";
        long t = System.nanoTime();
        assertThat(HostGlob.of("*a*a*a*a*a*a*a*b").matches(host)).isFalse();
        assertThat(System.nanoTime() - t).isLessThan(2_000_000_000L); // generous: catastrophic backtracking would take ages
    }

    @Test
    void firstMatchingRuleWinsAndAllowMeansDefaultDeny() throws Exception {
        HostRules r = HostRules.builder().deny("secret.example.com").allow("*.example.com").build();
        assertThat(r.check("secret.example.com").allowed()).isFalse();
        assertThat(r.check("secret.example.com").rule()).isEqualTo("--deny secret.example.com");
        assertThat(r.check("api.example.com").allowed()).isTrue();
        assertThat(r.check("other.test").allowed()).isFalse();
        assertThat(HostRules.builder().deny("x.test").build().check("y.test").allowed()).isTrue();
        assertThat(HostRules.builder().deny("192.168.0.0/16").build().checkResolved(InetAddress.getByName("192.168.1.1")).allowed()).isFalse();
    }
}
