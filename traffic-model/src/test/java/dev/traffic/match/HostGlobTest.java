package dev.traffic.match;

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
    void ipLiteralsAreParsedWithoutResolvingNames() {
        assertThat(HostGlob.ipLiteral("10.1.2.3")).containsExactly(10, 1, 2, 3);
        assertThat(HostGlob.ipLiteral("255.255.255.255")).hasSize(4);
        assertThat(HostGlob.ipLiteral("256.1.1.1")).isNull();
        assertThat(HostGlob.ipLiteral("1.2.3")).isNull();
        assertThat(HostGlob.ipLiteral("1.2.3.4.5")).isNull();
        assertThat(HostGlob.ipLiteral("1..3.4")).isNull();
        assertThat(HostGlob.ipLiteral("0x7f.0.0.1")).isNull();
        assertThat(HostGlob.ipLiteral("localhost")).isNull();
        assertThat(HostGlob.ipLiteral("deadbeef.test")).isNull();
        assertThat(HostGlob.ipLiteral("::1")).hasSize(16);
        assertThat(HostGlob.ipLiteral("fe80::1%eth0")).hasSize(16);
        assertThat(HostGlob.ipLiteral("::ffff:10.0.0.1")).hasSize(16);
        assertThat(HostGlob.ipLiteral("1:2:3")).isNull();
        assertThat(HostGlob.ipLiteral("g::1")).isNull();
        assertThat(HostGlob.of("10.0.0.0/8").matches("::ffff:10.0.0.1")).isTrue();
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
}
