package dev.traffic.proxy.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** CONNECT authorities: what is a target and what is refused as malformed (issue 15 item 16). */
class TargetTest {
    @Test
    void namesAndAddressesParse() {
        assertThat(Target.parseAuthority("bench.test:19080", "https").host()).isEqualTo("bench.test");
        assertThat(Target.parseAuthority("bench.test:19080", "https").port()).isEqualTo(19080);
        assertThat(Target.parseAuthority("127.0.0.1:443", "https").host()).isEqualTo("127.0.0.1");
        assertThat(Target.parseAuthority("[::1]:8443", "https").port()).isEqualTo(8443);
        assertThat(Target.parseAuthority("[2001:db8::1]", "https").port()).isEqualTo(443);
    }

    @Test
    void bracketsHoldOnlyIpv6Literals() {
        assertThat(Target.parseAuthority("[bench.test]:19080", "https")).isNull();
        assertThat(Target.parseAuthority("[127.0.0.1]:443", "https")).isNull();
        assertThat(Target.parseAuthority("[]:443", "https")).isNull();
        assertThat(Target.parseAuthority("[::1", "https")).isNull();
        assertThat(Target.parseAuthority("[::1]x", "https")).isNull();
    }

    @Test
    void malformedPortsAndBareIpv6AreRefused() {
        assertThat(Target.parseAuthority("bench.test:", "https")).isNull();
        assertThat(Target.parseAuthority("bench.test:0", "https")).isNull();
        assertThat(Target.parseAuthority("bench.test:65536", "https")).isNull();
        assertThat(Target.parseAuthority("bench.test:+80", "https")).isNull();
        assertThat(Target.parseAuthority("::1:443", "https")).isNull();
        assertThat(Target.parseAuthority("bad host:443", "https")).isNull();
    }
}
